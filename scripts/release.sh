#!/usr/bin/env bash
# make release: one self-contained pallet binary (Swift runtime and Foundation linked in, the bundle
# runtime embedded), with its man pages and shell completions, under dist/:
#   dist/bin/pallet                                   needs only libyaml and libarchive (+ libc, libstdc++)
#   dist/share/man/man1/pallet*.1                     generated from the command line definitions
#   dist/share/bash-completion/completions/pallet, dist/share/zsh/site-functions/_pallet,
#   dist/share/fish/vendor_completions.d/pallet.fish
# Then it proves the binary needs no Swift toolchain: on a test host whose /opt/swift and
# /usr/lib/swift are removed (in its overlay only), it runs `pallet plan` and `pallet apply`
# against the test host itself over ssh. That part needs root; without it, it says so and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
swift=${SWIFT:-swift}
scratch=.build-release

"$swift" build -c release --product pallet --static-swift-stdlib --scratch-path "$scratch" >&2
binary=$scratch/release/pallet
rm -rf dist
mkdir -p dist/bin dist/share/man/man1 dist/share/bash-completion/completions dist/share/zsh/site-functions \
  dist/share/fish/vendor_completions.d
install -m 0755 "$binary" dist/bin/pallet
strip dist/bin/pallet 2>/dev/null || true
dist/bin/pallet --generate-completion-script bash >dist/share/bash-completion/completions/pallet
dist/bin/pallet --generate-completion-script zsh >dist/share/zsh/site-functions/_pallet
dist/bin/pallet --generate-completion-script fish >dist/share/fish/vendor_completions.d/pallet.fish
"$swift" package --scratch-path .build-manual --allow-writing-to-package-directory generate-manual --multi-page \
  --date "$(git log -1 --format=%cs 2>/dev/null || date +%F)" --section 1 --authors "The Pallet authors" >&2
cp .build-manual/plugins/GenerateManual/outputs/pallet/*.1 dist/share/man/man1/

# 1. No Swift library is loaded from the system (libxml2 and ICU come with libarchive).
if ldd dist/bin/pallet | grep -Ei 'swift|Foundation|dispatch|BlocksRuntime'; then
  echo "release: dist/bin/pallet still links the libraries above dynamically" >&2
  exit 1
fi
echo "release: dist/bin/pallet ($(du -h dist/bin/pallet | cut -f1)) links only: $(ldd dist/bin/pallet | awk '{print $1}' | grep -v vdso | tr '\n' ' ')"

# 2. plan and apply on a machine without the Swift toolchain.
if ((EUID != 0)); then
  echo "release: SKIPPED the toolchain-free check: it needs root for a test host; run make release as root" >&2
  exit 1
fi
# Outside /tmp (the host has its own), and made before the host comes up.
mkdir -p "$scratch"
work=$(mktemp -d "$PWD/$scratch/check.XXXXXX")
cleanup() { Tests/Support/testhost clean "$work/host" >/dev/null 2>&1 || true; rm -rf -- "$work"; }
trap cleanup EXIT
ssh-keygen -q -t ed25519 -N '' -f "$work/key"
address=$(Tests/Support/testhost alloc-address --owner-pid $$)
mkdir -p "$work/project/specs"
cat >"$work/project/specs/pallet.yaml" <<SPEC
admin-user: {username: admin, private-key: $work/key}
services:
  self:
    provider: hosts
    hosts:
      - {name: itself, group: g, address: $address}
groups:
  g:
    service: self
    phases:
      configure:
        - file: {path: /etc/pallet-release, content: "planned and applied by a toolchain-free pallet on {{ node.name }}\n"}
SPEC
Tests/Support/testhost up "$work/host" "$address" release --admin admin --pubkey "$work/key.pub" --owner-pid $$ >&2
in_host() { Tests/Support/testhost exec "$work/host" -- bash -c "$1"; }
in_host 'rm -rf /opt/swift /usr/lib/swift /usr/libexec/swift; ! command -v swift >/dev/null'
in_host "cd '$work/project' && HOME=/root '$PWD/dist/bin/pallet' plan && HOME=/root '$PWD/dist/bin/pallet' apply --quiet"
in_host 'cat /etc/pallet-release'
echo "release: dist/ is ready"
