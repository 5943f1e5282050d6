#!/usr/bin/env bash
# Installs what building and testing pallet needs on Debian 12, when it is missing.
# Usage: scripts/deps.sh build|test
set -euo pipefail

mode=${1:-build}
packages=(libyaml-dev libarchive-dev pkg-config)
if [[ $mode == test ]]; then
  # locales and tzdata: DeterminismTests plans under de_DE.UTF-8 and two non-UTC zones;
  # git: pallet diff reads committed out/ trees, and the tutorial commits.
  # nftables: BastionTests makes a test host reachable only through another (a rule on port 22).
  packages+=(shellcheck openssh-server openssh-client sudo iproute2 util-linux graphviz strace curl locales tzdata git nftables)
fi
# The locales the tests ask for, generated when missing (locale -a lists them as de_DE.utf8).
locales=()
if [[ $mode == test ]]; then
  locales=(de_DE.UTF-8)
fi

# Generates the missing locales of the tests (after the locales package is installed).
generate_locales() {
  local locale
  for locale in "${locales[@]}"; do
    if ! locale -a 2>/dev/null | grep -qix "${locale/UTF-8/utf8}"; then
      if ((EUID != 0)); then
        echo "pallet: locale $locale is missing: generate it with: sudo localedef -i ${locale%%.*} -f UTF-8 $locale" >&2
        exit 1
      fi
      echo "pallet: generating locale $locale" >&2
      localedef -i "${locale%%.*}" -f UTF-8 "$locale"
    fi
  done
}

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null | grep -q '^ii'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  generate_locales
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
generate_locales
