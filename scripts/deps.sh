#!/usr/bin/env bash
# Installs what building and testing pallet needs on Debian 12, when it is missing.
# Usage: scripts/deps.sh build|test
set -euo pipefail

mode=${1:-build}
packages=(libyaml-dev libarchive-dev pkg-config)
if [[ $mode == test ]]; then
  packages+=(shellcheck openssh-server openssh-client sudo iproute2 util-linux graphviz strace curl)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null | grep -q '^ii'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
if ((EUID != 0)); then
  echo "pallet: missing packages: ${missing[*]}" >&2
  echo "pallet: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "pallet: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -q update >&2
apt-get -q -y install --no-install-recommends "${missing[@]}" >&2
