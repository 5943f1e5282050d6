# Pallet: `make plan` builds pallet and compiles specs/ into out/; `make test` runs every test.
SWIFT ?= swift
CONFIG ?= release
PALLET := .build/$(CONFIG)/pallet

.PHONY: all plan build test deps test-deps apply bench fuzz reliability release clean

all: plan

deps:
	@scripts/deps.sh build

test-deps:
	@scripts/deps.sh test

build: deps
	$(SWIFT) build -c $(CONFIG) --product pallet

# In a git work tree, plan also points git's diff driver for out/'s tars (.gitattributes) at this
# build of pallet, so git diff lists a tar's members instead of "Binary files differ".
plan: build
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then git config diff.pallet-tar.textconv "'$(abspath $(PALLET))' textconv"; fi
	$(PALLET) plan

apply: build
	$(PALLET) apply

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel

# The binary `make release` ships: Swift runtime linked in statically (it starts in about a third
# of the time of the dynamically linked build).
BENCH_PALLET := .build-release/release/pallet

bench: deps
	$(SWIFT) build -c release --product pallet --static-swift-stdlib --scratch-path .build-release
	python3 bench/compile_scaling.py --rounds 3 --pallet $(BENCH_PALLET)
	python3 bench/value_scaling.py --rounds 3 --pallet $(BENCH_PALLET)
	python3 bench/peers.py --rounds 5 --pallet $(BENCH_PALLET)

# FUZZ_SECONDS (default 120) and FUZZ_SEED (default: the time) set the budget and the seed.
fuzz: test-deps
	scripts/fuzz.sh

# Runs the fuzzer and the hostile-input and fault suites; writes docs/reliability.md.
reliability: test-deps
	$(SWIFT) build --build-tests
	python3 scripts/reliability.py

# One self-contained binary with man pages and completions under dist/ (see scripts/release.sh).
release: deps
	scripts/release.sh

clean:
	rm -rf .build .build-release .build-manual dist
