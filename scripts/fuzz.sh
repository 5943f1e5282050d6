#!/usr/bin/env bash
# make fuzz: run the pallet-fuzz mutation fuzzer for a fixed budget (FUZZ_SECONDS, default 120;
# FUZZ_SEED, default the current time) over the example projects' spec files. An input that
# crashes or hangs the compiler, or makes it break an invariant (an error without a location,
# a tree despite errors, a script bash cannot parse), is kept under Tests/Fixtures/fuzz/ as a
# regression case that `make test` then runs; the exit status is 1 until it is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-120}
seed=${FUZZ_SEED:-$(date +%s)}
work=$(mktemp -d "${TMPDIR:-/tmp}/pallet-fuzz.XXXXXX")
swift build --product pallet-fuzz >&2
binary=$(swift build --show-bin-path)/pallet-fuzz
status=0
"$binary" --seconds "$seconds" --seed "$seed" --work "$work" --repository "$PWD" || status=$?
if ((status == 0)); then
  rm -rf -- "$work"
  exit 0
fi
kind=violation
if [[ -e $work/hang ]]; then kind=hang; elif ((status > 128)); then kind=crash; fi
if [[ -e $work/current.yaml && -e $work/current.target ]]; then
  digest=$(sha256sum <"$work/current.yaml" | cut -c1-12)
  case_dir=Tests/Fixtures/fuzz/$kind-$digest
  mkdir -p "$case_dir"
  cp -- "$work/current.yaml" "$case_dir/input.yaml"
  # "PROJECT FILE": the example project (specs or examples-hosts) and the spec file replaced.
  cp -- "$work/current.target" "$case_dir/target"
  echo "pallet-fuzz: $kind (status $status, seed $seed); the input is kept in $case_dir" >&2
fi
exit 1
