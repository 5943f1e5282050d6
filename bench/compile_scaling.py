#!/usr/bin/env python3
"""Compile scaling: `pallet plan` on generated specs of 10, 100 and 1,000 groups x 50 actions.

Prints wall time (median of --rounds runs) and peak memory (max RSS from wait4) per size, and the
growth exponent k in time ~ groups^k (least squares on the log-log points); writes
bench/SCALING.md. Uses the static release build (.build-release/release/pallet, what `make release` ships), else
.build/release/pallet.
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


def filesystem(path):
    """The file system type of `path`, from /proc/mounts (longest matching mount point)."""
    best, kind = "", "?"
    try:
        with open("/proc/mounts") as mounts:
            for line in mounts:
                fields = line.split()
                point = fields[1]
                if (path == point or path.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
                    best, kind = point, fields[2]
    except OSError:
        pass
    return kind


def measure(binary, base, groups, rounds):
    """Median wall times and peak memory of: the first plan of a fresh project (no out/), an
    unchanged re-plan, and a plan right after `rm -rf out` (the common way to force a full rebuild).

    Each round's project is kept until the end, so no first plan runs right after this script
    deleted thousands of files: on ext4 without a journal, inodes deleted in the last minutes are
    skipped when new ones are allocated (recently_deleted), which the third column shows."""
    text = specs(groups)
    projects, first, again, rebuilt = [], [], [], []
    try:
        for _ in range(rounds):
            project = tempfile.mkdtemp(prefix="pallet-scaling-", dir=base)
            projects.append(project)
            os.makedirs(os.path.join(project, "specs"))
            with open(os.path.join(project, "specs", "all.yaml"), "w") as f:
                f.write(text)
            first.append(run(binary, project))
            again.append(run(binary, project))
        files = sum(len(fs) for _, _, fs in os.walk(os.path.join(projects[0], "out")))
        for _ in range(rounds):
            shutil.rmtree(os.path.join(projects[0], "out"))
            rebuilt.append(run(binary, projects[0]))
    finally:
        for project in projects:
            shutil.rmtree(project, ignore_errors=True)
    return (statistics.median(r[0] for r in first), statistics.median(r[0] for r in again),
            statistics.median(r[0] for r in rebuilt), max(r[1] for r in first + again + rebuilt), files)


def exponent(points):
    """Least-squares slope of log(time) over log(groups); NaN with fewer than two sizes."""
    if len({g for g, _ in points}) < 2:
        return float("nan")
    xs = [math.log(g) for g, _ in points]
    ys = [math.log(t) for _, t in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)


class JournaledExt4:
    """A fresh ext4 file system with a journal (mkfs.ext4 defaults, as on most machines), on a
    loop device, for one more table; None of it when not root or when mkfs/mount fail."""

    def __enter__(self):
        self.image = self.mount = None
        if os.geteuid() != 0 or not shutil.which("mkfs.ext4"):
            return None
        self.image = tempfile.mktemp(prefix="pallet-scaling-", suffix=".ext4")
        self.mount = tempfile.mkdtemp(prefix="pallet-scaling-ext4-")
        with open(self.image, "wb") as f:
            f.truncate(4 << 30)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if (subprocess.run(["mkfs.ext4", "-q", "-F", self.image], **quiet).returncode != 0
                or subprocess.run(["mount", "-o", "loop", self.image, self.mount], **quiet).returncode != 0):
            print("no journaled ext4 table: mkfs.ext4 or a loop mount failed", file=sys.stderr)
            self.__exit__()
            return None
        return self.mount

    def __exit__(self, *_):
        if self.mount:
            subprocess.run(["umount", self.mount], stderr=subprocess.DEVNULL)
            os.rmdir(self.mount)
        if self.image and os.path.exists(self.image):
            os.remove(self.image)
        self.image = self.mount = None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--pallet", help="the pallet binary (default: .build-release/release/pallet, the static build)")
    parser.add_argument("--dirs", default=",".join(d for d in [tempfile.gettempdir(), "/dev/shm"] if os.path.isdir(d)),
                        help="comma-separated folders to build the projects in (one table each)")
    parser.add_argument("--no-journaled-ext4", dest="journaled_ext4", action="store_false",
                        help="skip the table on a fresh journaled ext4 (made on a loop device when root)")
    args = parser.parse_args()
    binary = args.pallet or next((p for p in (os.path.join(ROOT, ".build-release/release/pallet"),
                                              os.path.join(ROOT, ".build/release/pallet")) if os.access(p, os.X_OK)), None)
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "pallet"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, ".build/release/pallet")
    sizes = [int(s) for s in args.sizes.split(",")]
    out = ["# Compile scaling\n",
           f"`python3 bench/compile_scaling.py --rounds {args.rounds}` on {os.cpu_count()} CPUs, "
           f"{platform.platform()}; binary `{os.path.relpath(binary, ROOT)}`. Each size and round: `pallet plan` on a fresh project with no `out/` "
           f"(first plan), then again with `out/` present and unchanged (re-plan); then, on one of them, "
           f"`rm -rf out` and `pallet plan` once per round. Medians of {args.rounds} rounds, peak RSS over all runs. "
           f"Projects are deleted only at the end of each size, so no first plan follows the script's own "
           f"deletion of thousands of files.\n"]
    with JournaledExt4() as ext4:
        dirs = [(d, f"{d} ({filesystem(os.path.realpath(d))})") for d in args.dirs.split(",")]
        if ext4 and args.journaled_ext4:
            dirs.append((ext4, "a fresh ext4 with a journal, on a loop device"))
        tables(binary, sizes, dirs, args.rounds, out)
    out.append("Target: 1,000 x 50 under 2 s with linear growth.\n")
    with open(os.path.join(ROOT, "bench", "SCALING.md"), "w") as f:
        f.write("\n".join(out))


def tables(binary, sizes, dirs, rounds, out):
    """Measures every size in every (folder, heading); prints, and appends one table per folder to `out`."""
    for base, heading in dirs:
        print(f"in {heading}:", flush=True)
        rows = []
        for groups in sizes:
            first, again, rebuilt, memory, files = measure(binary, base, groups, rounds)
            rows.append((groups, first, again, rebuilt, memory, files))
            print(f"{groups:>5} groups x {ACTIONS} actions: first {first:7.3f} s  re-plan {again:7.3f} s  "
                  f"after rm -rf out {rebuilt:7.3f} s  peak {memory:7.1f} MiB  ({files} files in out/)", flush=True)
        k_first = exponent([(g, f) for g, f, _, _, _, _ in rows])
        k_again = exponent([(g, a) for g, _, a, _, _, _ in rows])
        print(f"growth exponent (time ~ groups^k): first plan k = {k_first:.2f}, re-plan k = {k_again:.2f}")
        out.append(f"\n## Projects in {heading}\n")
        out.append("| groups x actions | first plan (s) | re-plan (s) | plan right after `rm -rf out` (s) | peak memory (MiB) "
                   "| files in out/ |\n|---|---|---|---|---|---|")
        out += [f"| {g} x {ACTIONS} | {f:.3f} | {a:.3f} | {r:.3f} | {m:.1f} | {n} |" for g, f, a, r, m, n in rows]
        out.append(f"\nGrowth exponent k (time ~ groups^k, least squares on log-log): first plan **{k_first:.2f}**, "
                   f"re-plan **{k_again:.2f}** (1.0 is linear).\n")


if __name__ == "__main__":
    sys.exit(main())
