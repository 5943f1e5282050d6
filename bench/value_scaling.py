#!/usr/bin/env python3
"""Value scaling: `pallet plan` on a group that uses one 100 KB variable 500, 1,000 and 2,000 times.

Issue 15, point 10: the compiler's cost must grow linearly with its input. Each size is one
group with `vars: {big: <100 KB>}` and N `file` steps; the workloads are

- `same`: every step's content is `"{{ big }}"` (identical payloads: stored once per bundle);
- `distinct`: every step's content is `"{{ big }} #i"` (N different payloads of 100 KB each);
- `inline`: one step whose content uses `{{ big }}` N/20 times (one value of N/20 x 100 KB);
- `errors`: 10 x N steps `user: {name: "{{ bad }}"}` with `bad: -rf`: 10 x N located errors (each
  error was once checked against every earlier one: quadratic).

Prints, per workload and size, the wall time (median of --rounds runs), the peak memory and the
size of out/, then the growth exponent k in time ~ N^k (least squares on the log-log points).
Uses .build-release/release/pallet, else .build/release/pallet, unless --pallet is given.
"""
import argparse
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIG = 100 * 1024
SIZES = [500, 1000, 2000]


def big_value():
    """100 KB of printable text with newlines, no YAML-special characters."""
    line = "abcdefghijklmnopqrstuvwxyz0123456789 the quick brown fox jumps over the lazy dog 0123456789\n"
    text = (line * (BIG // len(line) + 1))[:BIG]
    return text


def specs(workload, uses):
    escaped = big_value().replace("\n", "\\n")
    lines = [
        "services:", "  lab:", "    provider: hosts", "    hosts:", "      - {name: h1, group: g, address: 192.0.2.1}",
        "groups:", "  g:", "    service: lab", f"    vars: {{big: \"{escaped}\"}}", "    phases:", "      configure:",
    ]
    if workload == "errors":
        lines[8] = "    vars: {big: \"x\", bad: \"-rf\"}"
        for i in range(uses * 10):
            lines.append("        - user: {name: \"{{ bad }}\"}")
    elif workload == "inline":
        lines.append("        - file: {path: /srv/inline, content: \"" + "{{ big }}" * (uses // 20) + "\"}")
    else:
        for i in range(uses):
            content = "{{ big }}" if workload == "same" else f"{{{{ big }}}} #{i}"
            lines.append(f"        - file: {{path: /srv/f{i}, content: \"{content}\"}}")
    return "\n".join(lines) + "\n"


def folder_size(path):
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            total += os.lstat(os.path.join(folder, name)).st_size
    return total


def run(binary, project):
    start = time.perf_counter()
    process = subprocess.Popen([binary, "plan", "--project", project], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Read stderr to its end first: thousands of error lines would fill the pipe and block pallet.
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if process.stderr:
        process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status), error


def exponent(points):
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pallet")
    parser.add_argument("--workloads", default="same,distinct,inline,errors")
    args = parser.parse_args()
    binary = args.pallet
    for candidate in [os.path.join(ROOT, ".build-release/release/pallet"), os.path.join(ROOT, ".build/release/pallet")]:
        if binary is None and os.path.exists(candidate):
            binary = candidate
    if binary is None:
        sys.exit("no release build: run `swift build -c release --product pallet` first")
    print(f"pallet: {binary}")
    print(f"{'workload':<9} {'uses':>5} {'spec KB':>8} {'time s':>8} {'peak MiB':>9} {'out/ MB':>9}  result")
    for workload in args.workloads.split(","):
        points = []
        for uses in SIZES:
            work = tempfile.mkdtemp(prefix="pallet-values-")
            try:
                os.makedirs(os.path.join(work, "specs"))
                text = specs(workload, uses)
                with open(os.path.join(work, "specs", "main.yaml"), "w") as handle:
                    handle.write(text)
                times, peaks, result = [], [], ""
                for _ in range(args.rounds):
                    shutil.rmtree(os.path.join(work, "out"), ignore_errors=True)
                    elapsed, peak, code, error = run(binary, work)
                    times.append(elapsed)
                    peaks.append(peak)
                    lines = error.strip().splitlines()
                    result = "ok" if code == 0 else (f"refused ({len(lines)} lines): " + lines[0][:70]) if lines else f"exit {code}"
                size = folder_size(os.path.join(work, "out")) if os.path.isdir(os.path.join(work, "out")) else 0
                median = statistics.median(times)
                points.append((uses, median))
                print(f"{workload:<9} {uses:>5} {len(text) / 1024:>8.0f} {median:>8.3f} {max(peaks):>9.1f} {size / 1e6:>9.2f}  {result}")
            finally:
                shutil.rmtree(work, ignore_errors=True)
        print(f"{workload:<9} growth exponent k in time ~ uses^k: {exponent(points):.2f}")


if __name__ == "__main__":
    main()
