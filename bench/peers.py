#!/usr/bin/env python3
"""Peer benchmark: pallet against Ansible and pyinfra on the same workload W.

    python3 bench/peers.py [--rounds 5] [--tools pallet,ansible,pyinfra] [--keep]

Needs root (test hosts). Creates bench/.venv with ansible-core and pyinfra (and matplotlib,
for the chart, when it can be installed). For each round and each tool it brings up 4 fresh
test hosts (Tests/Support/testhost), times the first run, checks on the hosts that the
workload really happened, then times the no-op rerun. Each round also times the ssh floor:
one `ssh host true` per host, all 4 in parallel, with the same key, known_hosts and BatchMode.
Writes bench/RESULTS.md (medians, ratios, machine) and bench/results.png.

Standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORKLOAD = BENCH / "workload"
VENV = BENCH / ".venv"
TESTHOST = ROOT / "Tests" / "Support" / "testhost"
HOSTS = 4
TOOLS = ("pallet", "ansible", "pyinfra")
ADMIN = "admin"
SITE = "bench.example.org"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(cmd, *, cwd=None, env=None, check=True, capture=True, input=None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, text=True, input=input,
                            stdout=subprocess.PIPE if capture else None,
                            stderr=subprocess.STDOUT if capture else None)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stdout or ''}")
    return result


# ---------------------------------------------------------------------------
# Setup: venv, pallet binary, key


def venv_bin(name: str) -> Path:
    return VENV / "bin" / name


def ensure_venv() -> bool:
    """Creates bench/.venv with ansible-core and pyinfra; returns whether matplotlib is there."""
    if not venv_bin("python").exists():
        log(f"creating {VENV}")
        run([sys.executable, "-m", "venv", VENV])
    py = venv_bin("python")
    missing = [pkg for pkg, mod in (("ansible-core", "ansible"), ("pyinfra", "pyinfra"))
               if run([py, "-c", f"import {mod}"], check=False).returncode != 0]
    if missing:
        log(f"pip install {' '.join(missing)}")
        run([py, "-m", "pip", "install", "-q", *missing], capture=False)
    if run([py, "-c", "import matplotlib"], check=False).returncode != 0:
        log("pip install matplotlib (optional, for the chart)")
        if run([py, "-m", "pip", "install", "-q", "matplotlib"], check=False).returncode != 0:
            log("matplotlib could not be installed: no chart")
            return False
    return True


def pallet_binary(given: str | None) -> Path:
    """The binary under test: --pallet, else the static build `make release` ships (what `make bench`
    builds first), else the plain release or debug build."""
    if given:
        return Path(given).resolve()
    for path in (ROOT / ".build-release" / "release" / "pallet", ROOT / ".build" / "release" / "pallet",
                 ROOT / ".build" / "debug" / "pallet"):
        if path.exists() and run([path, "apply", "--help"], check=False).returncode == 0:
            return path
    log("building pallet (release)")
    run(["swift", "build", "-c", "release", "--product", "pallet"], cwd=ROOT, capture=False)
    return ROOT / ".build" / "release" / "pallet"


# ---------------------------------------------------------------------------
# Test hosts


class Cluster:
    """4 fresh test hosts; `known_hosts` holds all their keys."""

    def __init__(self, work: Path, tag: str, pubkey: Path):
        self.dir = work / "hosts" / tag
        self.dir.mkdir(parents=True)
        self.states = [self.dir / f"h{i}" for i in range(1, HOSTS + 1)]
        self.names = [f"bench-{i}" for i in range(1, HOSTS + 1)]
        self.addresses: list[str] = []
        self.up_ok = False

        # One at a time: `testhost up auto` run in parallel can lose its final claim to another
        # up's address scan (non-blocking flock), so hosts come up sequentially, with retries.
        def up(i: int) -> str:
            for attempt in range(1, 4):
                result = run([TESTHOST, "up", self.states[i], "auto", self.names[i], "--admin", ADMIN,
                              "--pubkey", pubkey, "--owner-pid", os.getpid()], check=attempt == 3)
                if result.returncode == 0:
                    return result.stdout.strip().splitlines()[-1]
                log(f"testhost up failed (attempt {attempt}), retrying: {result.stdout.strip()}")
                run([TESTHOST, "clean", self.states[i]], check=False)
                time.sleep(0.2 * attempt)
            raise AssertionError("unreachable")

        try:
            self.addresses = [up(i) for i in range(HOSTS)]
        except Exception:
            self.clean()
            raise
        self.known_hosts = self.dir / "known_hosts"
        self.known_hosts.write_text("".join((s / "known_hosts").read_text() for s in self.states))
        self.up_ok = True

    def exec(self, index: int, script: str) -> subprocess.CompletedProcess:
        return run([TESTHOST, "exec", self.states[index], "--", "bash", "-c", script], check=False)

    def clean(self) -> None:
        def clean_one(state: Path) -> None:
            if (state / ".testhost").exists():
                run([TESTHOST, "clean", state], check=False)
        with concurrent.futures.ThreadPoolExecutor(HOSTS) as pool:
            list(pool.map(clean_one, self.states))


def ssh_options(key: Path, known_hosts: Path) -> list[str]:
    return ["-i", str(key), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", f"UserKnownHostsFile={known_hosts}", "-o", "StrictHostKeyChecking=yes",
            "-o", "ControlMaster=no", "-o", "ControlPath=none"]


def ssh_floor(cluster: Cluster, key: Path) -> float:
    """One `ssh host true` per host, all in parallel; the wall time of the slowest."""
    options = ssh_options(key, cluster.known_hosts)
    start = time.monotonic()
    procs = [subprocess.Popen(["ssh", *options, f"{ADMIN}@{a}", "true"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for a in cluster.addresses]
    errors = [p.stderr.read() for p in procs if p.wait() != 0]
    elapsed = time.monotonic() - start
    if errors:
        raise RuntimeError(f"ssh floor failed: {errors}")
    return elapsed


# ---------------------------------------------------------------------------
# Correctness: the workload really happened (after the first run), and the no-op changed nothing

VERIFY = r"""
set -u
bad=0
[ -d /opt/bench ] || { echo "no /opt/bench"; bad=1; }
n=$(ls /opt/bench | grep -c '^f[0-9][0-9]\.txt$')
[ "$n" = 50 ] || { echo "files: $n, want 50"; bad=1; }
for i in $(seq -w 1 50); do
  [ "$(cat /opt/bench/f$i.txt 2>/dev/null)" = "bench file $i" ] || { echo "f$i.txt wrong"; bad=1; }
done
for i in 1 2 3; do
  grep -qx "site = SITE" /opt/bench/site$i.conf 2>/dev/null && grep -qx "slot = $i" /opt/bench/site$i.conf \
    || { echo "site$i.conf wrong"; bad=1; }
done
for i in 1 2 3 4 5; do
  getent group benchg$i >/dev/null || { echo "no group benchg$i"; bad=1; }
  [ "$(id -gn benchu$i 2>/dev/null)" = benchg$i ] || { echo "benchu$i not in benchg$i"; bad=1; }
  [ -d /home/benchu$i ] || { echo "no home for benchu$i"; bad=1; }
done
dpkg-query -W -f='${Status}' coreutils | grep -q 'install ok installed' || { echo "coreutils"; bad=1; }
[ -e /opt/bench/reloaded ] || { echo "handler did not run"; bad=1; }
echo "reloaded-mtime $(stat -c %Y.%y /opt/bench/reloaded 2>/dev/null)"
exit $bad
""".replace("SITE", SITE)

COUNT = "ls /opt/bench 2>/dev/null | grep -c '^f[0-9][0-9]\\.txt$'"


def verify_first(cluster: Cluster) -> tuple[bool, str, str]:
    """Full check on the first host, file count on the others; returns ok, problems, handler mark."""
    result = cluster.exec(0, VERIFY)
    lines = result.stdout.strip().splitlines()
    mark = next((l for l in lines if l.startswith("reloaded-mtime")), "")
    problems = [l for l in lines if not l.startswith("reloaded-mtime")]
    for i in range(1, HOSTS):
        count = cluster.exec(i, COUNT).stdout.strip()
        if count != "50":
            problems.append(f"{cluster.names[i]}: {count} files, want 50")
    return result.returncode == 0 and not problems, "; ".join(problems), mark


def handler_mark(cluster: Cluster) -> str:
    return cluster.exec(0, 'echo "reloaded-mtime $(stat -c %Y.%y /opt/bench/reloaded 2>/dev/null)"').stdout.strip()


# ---------------------------------------------------------------------------
# The tools: prepare (untimed), then first and no-op (timed). Each returns (seconds, ok, note).


def render(template: Path, out: Path, **values: str) -> None:
    text = template.read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    out.write_text(text)


class Pallet:
    name = "pallet"

    def __init__(self, binary: Path):
        self.binary = binary

    def prepare(self, run_dir: Path, cluster: Cluster, key: Path) -> None:
        self.project = run_dir / "project"
        specs = self.project / "specs"
        shutil.copytree(WORKLOAD / "pallet" / "specs", specs)
        shutil.copytree(WORKLOAD / "templates", specs / "templates")
        hosts = "\n".join(f"      - {{name: {n}, group: bench, address: {a}, os-family: debian}}"
                          for n, a in zip(cluster.names, cluster.addresses))
        render(WORKLOAD / "pallet" / "pallet.yaml.in", specs / "pallet.yaml", KEY=str(key), HOSTS=hosts)
        # The same prepared known_hosts the peers get (pallet would otherwise accept new
        # hosts on first contact, one at a time).
        (self.project / ".pallet").mkdir()
        shutil.copy(cluster.known_hosts, self.project / ".pallet" / "known_hosts")
        run([self.binary, "plan", "--project", self.project], cwd=self.project)

    def apply(self, log_file: Path, noop: bool) -> tuple[float, bool, str]:
        start = time.monotonic()
        result = run([self.binary, "apply", "--project", self.project, "--detailed-exitcode"],
                     cwd=self.project, check=False)
        elapsed = time.monotonic() - start
        log_file.write_text(result.stdout)
        want = 0 if noop else 2
        if result.returncode != want:
            return elapsed, False, f"exit {result.returncode}, want {want} (log {log_file})"
        return elapsed, True, ""


class Ansible:
    name = "ansible"

    def prepare(self, run_dir: Path, cluster: Cluster, key: Path) -> None:
        self.inventory = run_dir / "inventory.ini"
        hosts = "\n".join(f"{n} ansible_host={a}" for n, a in zip(cluster.names, cluster.addresses))
        render(WORKLOAD / "ansible" / "inventory.ini.in", self.inventory,
               HOSTS=hosts, KEY=str(key), KNOWN_HOSTS=str(cluster.known_hosts))
        cp = run_dir / "cp"
        cp.mkdir()
        self.env = dict(os.environ, ANSIBLE_CONFIG=str(WORKLOAD / "ansible" / "ansible.cfg"),
                        ANSIBLE_SSH_CONTROL_PATH_DIR=str(cp), ANSIBLE_LOCAL_TEMP=str(run_dir / "tmp"),
                        ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                        PATH=f"{VENV / 'bin'}:{os.environ.get('PATH', '')}")

    def apply(self, log_file: Path, noop: bool) -> tuple[float, bool, str]:
        start = time.monotonic()
        result = run([venv_bin("ansible-playbook"), "-i", self.inventory, WORKLOAD / "ansible" / "playbook.yml"],
                     cwd=WORKLOAD / "ansible", env=self.env, check=False)
        elapsed = time.monotonic() - start
        log_file.write_text(result.stdout)
        if result.returncode != 0:
            return elapsed, False, f"exit {result.returncode} (log {log_file})"
        recap = re.findall(r"changed=(\d+)", result.stdout)
        if len(recap) != HOSTS:
            return elapsed, False, f"recap has {len(recap)} hosts (log {log_file})"
        if noop and any(int(c) for c in recap):
            return elapsed, False, f"no-op rerun changed something: {recap} (log {log_file})"
        if not noop and not all(int(c) for c in recap):
            return elapsed, False, f"first run changed nothing somewhere: {recap} (log {log_file})"
        return elapsed, True, ""


class Pyinfra:
    name = "pyinfra"

    def prepare(self, run_dir: Path, cluster: Cluster, key: Path) -> None:
        self.inventory = run_dir / "inventory.py"
        hosts = "\n".join(
            f"    ({a!r}, {{'ssh_user': {ADMIN!r}, 'ssh_key': {str(key)!r}, "
            f"'ssh_known_hosts_file': {str(cluster.known_hosts)!r}, 'ssh_strict_host_key_checking': 'yes'}}),"
            for a in cluster.addresses)
        render(WORKLOAD / "pyinfra" / "inventory.py.in", self.inventory, HOSTS=hosts)
        self.env = dict(os.environ, PATH=f"{VENV / 'bin'}:{os.environ.get('PATH', '')}", NO_COLOR="1")

    def apply(self, log_file: Path, noop: bool) -> tuple[float, bool, str]:
        start = time.monotonic()
        result = run([venv_bin("pyinfra"), self.inventory, "deploy.py", "-y", "--sudo"],
                     cwd=WORKLOAD / "pyinfra", env=self.env, check=False)
        elapsed = time.monotonic() - start
        log_file.write_text(result.stdout)
        if result.returncode != 0:
            return elapsed, False, f"exit {result.returncode} (log {log_file})"
        changed = len(re.findall(r"^\s*\[[^]]+\] Success$", result.stdout, re.M))
        if noop and changed:
            return elapsed, False, f"no-op rerun changed {changed} host-operations (log {log_file})"
        if not noop and not changed:
            return elapsed, False, f"first run changed nothing (log {log_file})"
        return elapsed, True, ""


# ---------------------------------------------------------------------------
# Report


def fmt(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.3f} s"


def ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None or b == 0 else f"{a / b:.1f}×"


def version(cmd: list) -> str:
    try:
        result = run(cmd, check=False)
        return (result.stdout or "").strip().splitlines()[0] if result.stdout else "?"
    except OSError:
        return "?"


def machine(binary: Path) -> dict[str, str]:
    ssh = subprocess.run(["ssh", "-V"], capture_output=True, text=True)
    return {
        "nproc": run(["nproc"]).stdout.strip(),
        "free -g": run(["free", "-g"]).stdout.rstrip(),
        "uname -r": run(["uname", "-r"]).stdout.strip(),
        "load average (1/5/15 min, at the end; other work on the machine skews times)":
            " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "cpu": next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                     if l.startswith("model name")), platform.processor() or "?"),
        "pallet": f"{version([binary, '--version'])} ({binary.relative_to(ROOT) if binary.is_relative_to(ROOT) else binary})",
        "ansible-core": version([venv_bin("ansible-playbook"), "--version"]),
        "pyinfra": version([venv_bin("pyinfra"), "--version"]),
        "python (controller)": version([venv_bin("python"), "--version"]),
        "openssh": (ssh.stderr or ssh.stdout).strip(),
    }


def write_results(samples, floor, failures, rounds, tools, info, chart: bool, started: str) -> None:
    med = {(t, k): (statistics.median(samples[t][k]) if samples[t][k] else None)
           for t in tools for k in ("first", "noop")}
    floor_med = statistics.median(floor) if floor else None
    lines = [
        "# Peer benchmark: pallet, Ansible, pyinfra on workload W",
        "",
        f"Produced by `python3 bench/peers.py --rounds {rounds}` on {started} (UTC). "
        "See bench/README.md for the workload and method.",
        "",
        f"4 test hosts, fresh for every tool's first run in every round; median of {rounds} round(s). "
        "Times are wall clock of the whole command (the tool's start-up included).",
        "",
        "| tool | first run (median) | no-op rerun (median) | first runs | no-op reruns |",
        "|---|---|---|---|---|",
    ]
    for t in tools:
        lines.append(f"| {t} | {fmt(med[(t, 'first')])} | {fmt(med[(t, 'noop')])} | "
                     f"{', '.join(f'{s:.2f}' for s in samples[t]['first'])} | "
                     f"{', '.join(f'{s:.2f}' for s in samples[t]['noop'])} |")
    lines.append(f"| ssh floor (4× `ssh host true`, parallel) | {fmt(floor_med)} | {fmt(floor_med)} | "
                 f"{', '.join(f'{s:.3f}' for s in floor)} | |")
    lines += ["", "## Ratios", "", "| comparison | first run | no-op rerun |", "|---|---|---|"]
    if "pallet" in tools:
        for peer in tools:
            if peer == "pallet":
                continue
            lines.append(f"| {peer} time ÷ pallet time (pallet is N× faster) | "
                         f"{ratio(med[(peer, 'first')], med[('pallet', 'first')])} | "
                         f"{ratio(med[(peer, 'noop')], med[('pallet', 'noop')])} |")
        lines.append(f"| pallet time ÷ ssh floor | {ratio(med[('pallet', 'first')], floor_med)} | "
                     f"{ratio(med[('pallet', 'noop')], floor_med)} |")
    for peer in tools:
        if peer != "pallet":
            lines.append(f"| {peer} time ÷ ssh floor | {ratio(med[(peer, 'first')], floor_med)} | "
                         f"{ratio(med[(peer, 'noop')], floor_med)} |")
    lines += ["", "## Correctness", ""]
    if failures:
        lines.append("Runs that failed or did not do the work are left out of the medians:")
        lines.append("")
        lines += [f"- {f}" for f in failures]
    else:
        lines.append("After every first run the first host was checked (50 files with the right "
                     "contents, 3 rendered templates, 5 groups, 5 users in their groups with homes, "
                     "coreutils installed, the handler's /opt/bench/reloaded present) and the other "
                     "hosts' file counts; every no-op rerun left the handler's mark untouched "
                     "(pallet: exit 0 with `--detailed-exitcode`; Ansible: `changed=0` on every host; "
                     "pyinfra: no `Success` line). "
                     "All passed.")
    lines += ["", "## Machine", ""]
    for k, v in info.items():
        if "\n" in v:
            lines += [f"- {k}:", "", "```", v, "```", ""]
        else:
            lines.append(f"- {k}: {v}")
    if chart:
        lines += ["", "![medians](results.png)"]
    (BENCH / "RESULTS.md").write_text("\n".join(lines) + "\n")


def write_chart(samples, floor, tools) -> bool:
    script = r"""
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
data = json.loads(sys.argv[1])
tools, first, noop, floor = data["tools"], data["first"], data["noop"], data["floor"]
x = range(len(tools))
fig, ax = plt.subplots(figsize=(8, 4.5), dpi=120)
w = 0.38
b1 = ax.bar([i - w / 2 for i in x], first, w, label="first run (fresh hosts)")
b2 = ax.bar([i + w / 2 for i in x], noop, w, label="no-op rerun")
for bars in (b1, b2):
    for bar in bars:
        ax.annotate(f"{bar.get_height():.2f}s", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=8)
if floor is not None:
    ax.axhline(floor, color="gray", linestyle="--", linewidth=1, label=f"ssh floor {floor:.3f}s")
ax.set_xticks(list(x)); ax.set_xticklabels(tools)
ax.set_yscale("log")
ax.set_ylabel("wall time, median (s, log scale)")
ax.set_title("Workload W on 4 hosts (median of %d rounds)" % data["rounds"])
ax.legend()
fig.tight_layout()
fig.savefig(data["out"])
"""
    import json
    usable = [t for t in tools if samples[t]["first"] and samples[t]["noop"]]
    data = {
        "tools": usable,
        "first": [statistics.median(samples[t]["first"]) for t in usable],
        "noop": [statistics.median(samples[t]["noop"]) for t in usable],
        "floor": statistics.median(floor) if floor else None,
        "rounds": max((len(samples[t]["first"]) for t in usable), default=0),
        "out": str(BENCH / "results.png"),
    }
    result = run([venv_bin("python"), "-c", script, json.dumps(data)], check=False)
    if result.returncode != 0:
        log(f"chart failed: {result.stdout}")
        return False
    return True


# ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of pallet,ansible,pyinfra")
    parser.add_argument("--floor-samples", type=int, default=3, help="ssh floor samples per round")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, projects)")
    parser.add_argument("--pallet", help="the pallet binary (default: .build-release/release/pallet, the static build)")
    args = parser.parse_args()
    tools = [t for t in args.tools.split(",") if t]
    if any(t not in TOOLS for t in tools) or args.rounds < 1:
        parser.error("bad --tools or --rounds")
    if os.geteuid() != 0:
        print("bench/peers.py: test hosts need root", file=sys.stderr)
        return 77

    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    has_matplotlib = ensure_venv()
    binary = pallet_binary(args.pallet)
    work = Path(tempfile.mkdtemp(prefix="pallet-bench-"))
    log(f"work folder {work}")
    key = work / "id_ed25519"
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pallet-bench", "-f", key])
    runners = {"pallet": Pallet(binary), "ansible": Ansible(), "pyinfra": Pyinfra()}
    samples = {t: {"first": [], "noop": []} for t in tools}
    floor: list[float] = []
    failures: list[str] = []
    clusters: list[Cluster] = []
    try:
        for r in range(1, args.rounds + 1):
            order = tools[(r - 1) % len(tools):] + tools[:(r - 1) % len(tools)]  # rotate the order
            for t in order:
                run_dir = work / f"r{r}-{t}"
                run_dir.mkdir()
                cluster = Cluster(work, f"r{r}-{t}", key.with_suffix(".pub"))
                clusters.append(cluster)
                try:
                    if t == order[0]:
                        for _ in range(args.floor_samples):
                            floor.append(ssh_floor(cluster, key))
                    runner = runners[t]
                    runner.prepare(run_dir, cluster, key)
                    first, ok, note = runner.apply(run_dir / "first.log", noop=False)
                    if ok:
                        ok, problems, mark = verify_first(cluster)
                        note = f"verification: {problems}" if not ok else ""
                    if not ok:
                        failures.append(f"round {r} {t} first run: {note}")
                        log(f"round {r} {t}: first run FAILED: {note}")
                        continue
                    noop, ok, note = runner.apply(run_dir / "noop.log", noop=True)
                    if ok and handler_mark(cluster) != mark:
                        ok, note = False, "the no-op rerun ran the handler again"
                    log(f"round {r} {t}: first {first:.3f} s, no-op {noop:.3f} s{'' if ok else ' FAILED ' + note}")
                    samples[t]["first"].append(first)
                    if ok:
                        samples[t]["noop"].append(noop)
                    else:
                        failures.append(f"round {r} {t} no-op rerun: {note}")
                finally:
                    cluster.clean()
            log(f"round {r}: ssh floor samples {', '.join(f'{s:.3f}' for s in floor[-args.floor_samples:])}")
    finally:
        for cluster in clusters:
            cluster.clean()
        if not args.keep and not failures:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"logs kept in {work}")

    chart = has_matplotlib and write_chart(samples, floor, tools)
    write_results(samples, floor, failures, args.rounds, tools, machine(binary), chart, started)
    log(f"wrote {BENCH / 'RESULTS.md'}" + (f" and {BENCH / 'results.png'}" if chart else ""))
    print((BENCH / "RESULTS.md").read_text())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
