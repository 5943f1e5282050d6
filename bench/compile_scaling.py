#!/usr/bin/env python3
"""Compile scaling: `pallet plan` on generated specs of 10, 100 and 1,000 groups x 50 actions.

Prints wall time (median of --rounds runs) and peak memory (max RSS from wait4) per size, and the
growth exponent k in time ~ groups^k (least squares on the log-log points); writes
bench/SCALING.md. Uses the release build (.build/release/pallet).
"""
import argparse
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACTIONS = 50


def specs(groups):
    """One hosts service, one server-spec per group with 50 mixed actions, and the groups."""
    lines = ["admin-user: {username: admin}", "services:", "  lab:", "    provider: hosts", "    hosts:"]
    for g in range(groups):
        lines.append(f"      - {{name: n{g}, group: g{g}, address: 10.{g // 65536 % 256}.{g // 256 % 256}.{g % 256}}}")
    lines.append("servers:")
    for g in range(groups):
        lines += [f"  s{g}:", "    vars: {root: /srv/app}", "    phases:", "      configure:"]
        for a in range(ACTIONS):
            kind = a % 5
            if kind == 0:
                lines.append(f"        - file: {{path: \"{{{{ root }}}}/f{a}\", content: \"group {g} file {a} on {{{{ node.name }}}}\\n\", mode: \"0644\"}}")
            elif kind == 1:
                lines.append(f"        - directory: {{path: /srv/d{g}/{a}, mode: \"0755\"}}")
            elif kind == 2:
                lines.append(f"        - exec: {{script: \"echo {a} > /tmp/x{a}\", creates: /tmp/x{a}}}")
            elif kind == 3:
                lines.append(f"        - line: {{path: /etc/hosts, line: \"10.0.0.{a} h{a}\"}}")
            else:
                lines.append(f"        - packages: [pkg{a}]")
    lines.append("groups:")
    for g in range(groups):
        lines.append(f"  g{g}: {{service: lab, extends: [s{g}]}}")
    return "\n".join(lines) + "\n"


def run(binary, project):
    start = time.perf_counter()
    process = subprocess.Popen([binary, "plan", "--project", project], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if process.stderr:
        process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024.0  # MiB


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="10,100,1000")
    args = parser.parse_args()
    binary = os.path.join(ROOT, ".build/release/pallet")
    if not os.access(binary, os.X_OK):
        subprocess.run(["swift", "build", "-c", "release", "--product", "pallet"], cwd=ROOT, check=True)
    rows = []
    for groups in [int(s) for s in args.sizes.split(",")]:
        project = tempfile.mkdtemp(prefix="pallet-scaling-")
        os.makedirs(os.path.join(project, "specs"))
        with open(os.path.join(project, "specs", "all.yaml"), "w") as f:
            f.write(specs(groups))
        results = [run(binary, project) for _ in range(args.rounds)]
        files = sum(len(fs) for _, _, fs in os.walk(os.path.join(project, "out")))
        shutil.rmtree(project)
        seconds = statistics.median(r[0] for r in results)
        memory = max(r[1] for r in results)
        rows.append((groups, seconds, memory, files))
        print(f"{groups:>5} groups x {ACTIONS} actions: {seconds:8.3f} s  peak {memory:7.1f} MiB  ({files} files in out/)", flush=True)
    xs = [math.log(r[0]) for r in rows]
    ys = [math.log(r[1]) for r in rows]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)
    print(f"growth exponent (time ~ groups^k): k = {slope:.2f}")
    with open(os.path.join(ROOT, "bench", "SCALING.md"), "w") as f:
        f.write("# Compile scaling\n\n")
        f.write(f"`python3 bench/compile_scaling.py --rounds {args.rounds}` on {os.cpu_count()} CPUs, "
                f"{platform.platform()}; release build; median wall time of {args.rounds} runs, peak RSS.\n\n")
        f.write("| groups x actions | wall time (s) | peak memory (MiB) | files in out/ |\n|---|---|---|---|\n")
        for groups, seconds, memory, files in rows:
            f.write(f"| {groups} x {ACTIONS} | {seconds:.3f} | {memory:.1f} | {files} |\n")
        f.write(f"\nGrowth exponent k (time ~ groups^k, least squares on log-log): **{slope:.2f}** "
                f"(1.0 is linear). Target: 1,000 x 50 under 2 s with linear growth.\n")


if __name__ == "__main__":
    sys.exit(main())
