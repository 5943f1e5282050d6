PALLET_PKG=''
PALLET_PKG_PRESENT=()
PALLET_PKG_ABSENT=()
PALLET_PKG_LATEST=()
PALLET_PKG_VENDOR_LIST=''

# pallet_pkg_detect: pick the package manager from /etc/os-release: apt on Debian-like systems,
# dnf (or yum) on Red Hat-like systems; anything else is a clear error naming the OS.
pallet_pkg_detect() {
  if [[ -n $PALLET_PKG ]]; then return 0; fi
  local action=${PALLET_ACTION:-packages}
  local supported='pallet manages packages with apt on Debian and Ubuntu, and with dnf or yum on RHEL, Fedora, CentOS, Rocky, AlmaLinux, Oracle Linux and Amazon Linux'
  if [[ ! -r /etc/os-release ]]; then
    pallet_fail "$action: cannot tell which OS this node runs: /etc/os-release is missing; $supported"
  fi
  if pallet_os_in debian ubuntu; then
    if command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; then PALLET_PKG=apt; return 0; fi
    pallet_fail "$action: $(pallet_pkg_os_label) is Debian-like, but apt-get or dpkg-query is missing"
  fi
  if pallet_os_in rhel fedora centos rocky almalinux ol amzn; then
    if command -v dnf >/dev/null && command -v rpm >/dev/null; then PALLET_PKG=dnf; return 0; fi
    if command -v yum >/dev/null && command -v rpm >/dev/null; then PALLET_PKG=yum; return 0; fi
    pallet_fail "$action: $(pallet_pkg_os_label) is Red Hat-like, but has neither dnf nor yum (with rpm)"
  fi
  pallet_fail "$action: unsupported OS $(pallet_pkg_os_label); $supported"
}

# pallet_pkg_os_label: the node's OS for messages, such as 'Alpine Linux v3.20' (ID=alpine).
pallet_pkg_os_label() {
  local key value id=''
  while IFS='=' read -r key value; do
    if [[ $key == ID ]]; then value=${value#[\"\']}; id=${value%[\"\']}; fi
  done </etc/os-release
  printf "'%s' (ID=%s)" "$(pallet_os_name)" "${id:-none}"
}

# pallet_pkg_query NAME...: the installed version of each package that is installed, in
# PALLET_PKG_VERSIONS[NAME] (no entry for one that is not). apt answers for all names in one
# dpkg-query run; rpm is asked once per name.
declare -A PALLET_PKG_VERSIONS=()
pallet_pkg_query() {
  local name package status version line listing query_status=0
  PALLET_PKG_VERSIONS=()
  (($#)) || return 0
  case $PALLET_PKG in
    apt)
      # One line per installed instance (a package may be installed for several architectures).
      # The second letter of the status is the package's state: "i" is installed, whatever the
      # selection (first letter: "i" install, "h" hold, ...). dpkg-query leaves out, and exits 1
      # for, names it does not know: an answer ("not installed"), not a failure. Its status is
      # taken here, in the main shell: run in a process substitution, that 1 fired the ERR trap
      # (inherited through set -E) and wrote an error line to the log of a successful step.
      # shellcheck disable=SC2016 # dpkg-query's format, not a shell expansion
      listing=$(dpkg-query -W -f='${Package}\t${db:Status-Abbrev}\t${Version}\n' "$@" 2>/dev/null) || query_status=$?
      ((query_status <= 1)) || pallet_fail "packages: dpkg-query failed with status $query_status"
      while IFS=$'\t' read -r package status version; do
        if [[ ${status:1:1} == i ]]; then PALLET_PKG_VERSIONS[$package]=$version; fi
      done <<<"$listing"
      ;;
    *)
      for name in "$@"; do
        # rpm prints "package NAME is not installed" on stdout, with a non-zero status.
        if line=$(rpm -q --qf '%{VERSION}-%{RELEASE}\n' "$name" 2>/dev/null); then
          PALLET_PKG_VERSIONS[$name]=${line%%$'\n'*}
        fi
      done
      ;;
  esac
}

# pallet_pkg_pin_matches INSTALLED PIN: whether the installed version is the pinned one. apt needs
# the exact version; rpm pins may leave out the release (and an epoch is not compared).
pallet_pkg_pin_matches() {
  local installed=$1 pin=$2
  if [[ $pin == "$installed" ]]; then return 0; fi
  if [[ $PALLET_PKG == apt ]]; then return 1; fi
  if [[ $pin =~ ^[0-9]+:(.+)$ ]]; then pin=${BASH_REMATCH[1]}; fi
  [[ $pin == "$installed" || $pin == "${installed%-*}" ]]
}

# pallet_pkg_upgradable INSTALLED NAME: whether a newer version than the installed one is available.
pallet_pkg_upgradable() {
  local installed=$1 name=$2 candidate status
  case $PALLET_PKG in
    apt)
      candidate=$(apt-cache policy "$name" 2>/dev/null | sed -n 's/^ *Candidate: //p')
      [[ -n $candidate && $candidate != "(none)" && $candidate != "$installed" ]]
      ;;
    *)
      # check-update exits 100 when an update is available, 0 when none is, 1 on errors.
      status=0
      "$PALLET_PKG" -q check-update "$name" >/dev/null || status=$?
      case $status in
        100) return 0 ;;
        0) return 1 ;;
        *) pallet_fail "packages: '$PALLET_PKG check-update $name' failed with status $status" ;;
      esac
      ;;
  esac
}

# pallet_packages_add present|absent|latest NAME...: add packages to the phase's transaction.
pallet_packages_add() {
  local state=$1
  shift
  case $state in
    present) PALLET_PKG_PRESENT+=("$@") ;;
    absent) PALLET_PKG_ABSENT+=("$@") ;;
    latest) PALLET_PKG_LATEST+=("$@") ;;
    *) pallet_fail "packages: unknown state '$state'" ;;
  esac
}

# pallet_packages_vendored LIST: the phase's transaction installs the .deb files that the bundle's
# LIST (vendor.list: one "REQUEST NAME VERSION ARCH SHA256" line per request and package of its
# closure) names, sent by pallet apply into the run's folder as debs/SHA256.deb; no repository is
# asked and the package lists are never refreshed.
pallet_packages_vendored() {
  PALLET_PKG_VENDOR_LIST=$PALLET_BUNDLE_DIR/$1
}

# pallet_pkg_vendored_install SPEC...: installs the requests SPEC (NAME or NAME=VERSION) from the
# vendored files: every package of their closures that is not installed (an installed one, in any
# version, is left alone), and each pinned package itself. Each file's SHA-256 is checked first;
# one apt-get run installs them all, in the order their dependencies need, without a download.
pallet_pkg_vendored_install() {
  local request name version arch sha path sum pinned=0
  local -A wanted=() chosen=()
  local -a names=() files=()
  for request in "$@"; do wanted[$request]=1; done
  while read -r request name version arch sha; do
    if [[ -n ${wanted[$request]:-} ]]; then names+=("$name"); fi
  done <"$PALLET_PKG_VENDOR_LIST"
  pallet_pkg_query "${names[@]}"
  while read -r request name version arch sha; do
    [[ -n ${wanted[$request]:-} && -z ${chosen[$sha]:-} ]] || continue
    if [[ -n ${PALLET_PKG_VERSIONS[$name]:-} ]] && ! [[ $request == *=* && ${request%%=*} == "$name" ]]; then continue; fi
    if [[ $request == *=* ]]; then pinned=1; fi
    chosen[$sha]=1
    # The run's folder (/run/pallet/run.*) is root's, mode 0700: no other user can plant a path in it.
    path=${PALLET_BUNDLE_DIR%/*}/debs/$sha.deb
    if [[ -L $path || ! -f $path ]]; then
      pallet_fail "packages: the vendored file of $name $version ($arch, $sha.deb) was not sent with the bundle"
    fi
    sum=$(sha256sum -- "$path")
    if [[ ${sum%% *} != "$sha" ]]; then
      pallet_fail "packages: the vendored file of $name $version ($sha.deb) does not match its SHA-256 in vendor.list"
    fi
    files+=("$path")
  done <"$PALLET_PKG_VENDOR_LIST"
  ((${#files[@]})) || return 0
  # No repository at all for this run: an empty source list and no package lists, so apt can
  # only take the given files (and what is installed), and has nothing it could download.
  # (--no-download cannot be used: it also stops apt from taking in the local files.)
  local no_sources=${PALLET_BUNDLE_DIR%/*}/apt-no-sources
  [[ -d $no_sources ]] || mkdir -m 0700 -- "$no_sources"
  local -a apt=(apt-get -q -y --no-install-recommends -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$no_sources"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  # A pin may be older than the installed version; apt-get -y refuses downgrades unless told.
  if ((pinned)); then apt+=(--allow-downgrades); fi
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install "${files[@]}" >&2 3>&- 9>&-
}

# pallet_packages_apply: check every package of the transaction, then install, upgrade and
# remove what is needed: with apt in one apt-get run, with dnf/yum in one run each.
pallet_packages_apply() {
  local spec name version installed
  local -a install=() upgrade=() remove=()
  if ((${#PALLET_PKG_PRESENT[@]} + ${#PALLET_PKG_LATEST[@]} + ${#PALLET_PKG_ABSENT[@]} == 0)); then
    # Every package step of the phase has a 'when' that excludes this node.
    PALLET_STATUS=skipped
    return 0
  fi
  pallet_pkg_detect
  if [[ -n $PALLET_PKG_VENDOR_LIST && $PALLET_PKG != apt ]]; then
    pallet_fail "packages: this group installs vendored .deb files (vendor:), which needs apt; $PALLET_PKG nodes are not supported by vendor:"
  fi
  for spec in "${PALLET_PKG_LATEST[@]}"; do
    if [[ $spec == *=* ]]; then pallet_fail "packages: '$spec' is pinned to a version, but state latest takes names only"; fi
  done
  if [[ $PALLET_PKG == apt && -z $PALLET_PKG_VENDOR_LIST ]] && ((${#PALLET_PKG_LATEST[@]})) && ! pallet_checking && pallet_apt_lists_stale; then
    # latest compares with the candidate version, which needs current package lists.
    pallet_apt_update
  fi
  pallet_pkg_query "${PALLET_PKG_PRESENT[@]%%=*}" "${PALLET_PKG_LATEST[@]}" "${PALLET_PKG_ABSENT[@]%%=*}"
  for spec in "${PALLET_PKG_PRESENT[@]}"; do
    name=${spec%%=*}
    version=''
    if [[ $spec == *=* ]]; then version=${spec#*=}; fi
    installed=${PALLET_PKG_VERSIONS[$name]:-}
    if [[ -z $installed ]] || { [[ -n $version ]] && ! pallet_pkg_pin_matches "$installed" "$version"; }; then
      install+=("$spec")
    fi
  done
  for name in "${PALLET_PKG_LATEST[@]}"; do
    installed=${PALLET_PKG_VERSIONS[$name]:-}
    if [[ -z $installed ]]; then
      install+=("$name")
    elif [[ -n $PALLET_PKG_VENDOR_LIST ]]; then
      # The newest version a vendored group knows is the one its lock holds: nothing to compare with.
      continue
    elif pallet_pkg_upgradable "$installed" "$name"; then
      upgrade+=("$name")
    fi
  done
  for spec in "${PALLET_PKG_ABSENT[@]}"; do
    name=${spec%%=*}
    if [[ -n ${PALLET_PKG_VERSIONS[$name]:-} ]]; then remove+=("$name"); fi
  done
  PALLET_PKG_PRESENT=()
  PALLET_PKG_LATEST=()
  PALLET_PKG_ABSENT=()
  if ((${#install[@]} + ${#upgrade[@]} + ${#remove[@]} == 0)); then return 0; fi
  pallet_changed
  if ((${#install[@]})); then pallet_emit "diff packages to install: ${install[*]}"; fi
  if ((${#upgrade[@]})); then pallet_emit "diff packages to upgrade: ${upgrade[*]}"; fi
  if ((${#remove[@]})); then pallet_emit "diff packages to remove: ${remove[*]}"; fi
  if pallet_checking; then return 0; fi
  if [[ -n $PALLET_PKG_VENDOR_LIST ]]; then
    pallet_pkg_vendored_install "${install[@]}"
    # Removing needs no repository; the package lists are left as they are.
    if ((${#remove[@]})); then DEBIAN_FRONTEND=noninteractive apt-get -q -y remove "${remove[@]}" >&2 3>&- 9>&-; fi
  elif [[ $PALLET_PKG == apt ]]; then
    # One apt-get run: NAME- in an install command removes the package in the same transaction.
    local -a names=("${install[@]}" "${upgrade[@]}") flags=()
    for name in "${remove[@]}"; do names+=("$name-"); done
    # A pin may be older than the installed version; apt-get -y refuses downgrades unless told.
    if [[ " ${install[*]}" == *=* ]]; then flags=(--allow-downgrades); fi
    pallet_apt_install "${flags[@]}" "${names[@]}"
  else
    local -a specs=()
    for spec in "${install[@]}"; do specs+=("${spec/=/-}"); done
    # dnf install leaves an installed package alone (with best=False); upgrade moves it to the newest.
    if ((${#specs[@]})); then "$PALLET_PKG" -y install "${specs[@]}" >&2 3>&- 9>&-; fi
    if ((${#upgrade[@]})); then "$PALLET_PKG" -y upgrade "${upgrade[@]}" >&2 3>&- 9>&-; fi
    if ((${#remove[@]})); then "$PALLET_PKG" -y remove "${remove[@]}" >&2 3>&- 9>&-; fi
  fi
}

# pallet_apt_install [--allow-downgrades] NAME...: one apt-get install (NAME- removes NAME),
# refreshing the package lists first when they are missing or a package source changed, and once
# more when a package cannot be found.
pallet_apt_install() {
  local -a apt=(apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if [[ $1 == --allow-downgrades ]]; then apt+=("$1"); shift; fi
  if pallet_apt_lists_stale; then pallet_apt_update; fi
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install "$@" >&2 3>&- 9>&-; then
    pallet_log "apt-get install failed; refreshing package lists and trying once more"
    pallet_apt_update
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install "$@" >&2 3>&- 9>&-
  fi
}

# pallet_apt_lists_stale: whether the package lists must be refreshed before use: a package source
# changed, or there are none (they may be stored compressed, as *_Packages.lz4 or .gz).
pallet_apt_lists_stale() {
  [[ -e $PALLET_STATE_DIR/apt-lists-stale ]] || ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

pallet_apt_update() {
  DEBIAN_FRONTEND=noninteractive apt-get -q update >&2
  rm -f -- "$PALLET_STATE_DIR/apt-lists-stale"
  : >"$PALLET_STATE_DIR/apt-lists-updated"
}

# pallet_package_source --name NAME (--url URL [--suites S]... [--components C]... [--key-file F]
#                       | --baseurl URL [--gpgkey URL]) [--state present|absent]
pallet_package_source() {
  local name='' url='' baseurl='' gpgkey='' key='' state=present
  local -a suites=() components=()
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --url) url=$2; shift 2 ;;
      --suites) suites+=("$2"); shift 2 ;;
      --components) components+=("$2"); shift 2 ;;
      --key-file) key=$PALLET_BUNDLE_DIR/$2; shift 2 ;;
      --baseurl) baseurl=$2; shift 2 ;;
      --gpgkey) gpgkey=$2; shift 2 ;;
      --state) state=$2; shift 2 ;;
      *) pallet_fail "package-source: unknown option '$1'" ;;
    esac
  done
  pallet_pkg_detect
  local desired
  pallet_work_file
  desired=$PALLET_WORK_FILE
  if [[ $PALLET_PKG == apt ]]; then
    local list="/etc/apt/sources.list.d/$name.list" keyring="" suffix=gpg
    if [[ -n $key ]] && grep -q -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$key"; then suffix=asc; fi
    if [[ -n $key ]]; then keyring="/etc/apt/keyrings/$name.$suffix"; fi
    if [[ $state == absent ]]; then
      pallet_remove_file "$list"
      pallet_remove_file "/etc/apt/keyrings/$name.asc"
      pallet_remove_file "/etc/apt/keyrings/$name.gpg"
    else
      if [[ -z $url ]]; then pallet_fail "package-source: this node uses apt; '$name' needs 'url'"; fi
      if ((${#suites[@]} == 0)); then suites=("$(pallet_os_codename)"); fi
      if ((${#components[@]} == 0)); then components=(main); fi
      local suite options=''
      if [[ -n $keyring ]]; then options="[signed-by=$keyring] "; fi
      for suite in "${suites[@]}"; do
        printf 'deb %s%s %s %s\n' "$options" "$url" "$suite" "${components[*]}" >>"$desired"
      done
      if [[ -n $keyring ]]; then
        if [[ ! -d /etc/apt/keyrings ]] && ! pallet_checking; then install -d -m 0755 /etc/apt/keyrings; fi
        pallet_converge_file "$key" "$keyring" --mode 0644
      fi
      pallet_converge_file "$desired" "$list" --mode 0644
    fi
    if [[ $PALLET_STATUS == changed ]]; then : >"$PALLET_STATE_DIR/apt-lists-stale"; fi
  else
    local repo="/etc/yum.repos.d/$name.repo"
    if [[ $state == absent ]]; then
      pallet_remove_file "$repo"
      return 0
    fi
    if [[ -z $baseurl ]]; then pallet_fail "package-source: this node uses $PALLET_PKG; '$name' needs 'baseurl'"; fi
    {
      printf '[%s]\nname=%s\nbaseurl=%s\nenabled=1\n' "$name" "$name" "$baseurl"
      if [[ -n $gpgkey ]]; then printf 'gpgcheck=1\ngpgkey=%s\n' "$gpgkey"; else printf 'gpgcheck=0\n'; fi
    } >"$desired"
    pallet_converge_file "$desired" "$repo" --mode 0644
  fi
}

# pallet_os_codename: VERSION_CODENAME of /etc/os-release.
pallet_os_codename() {
  local key value
  while IFS='=' read -r key value; do
    if [[ $key == VERSION_CODENAME ]]; then value=${value#[\"\']}; printf '%s' "${value%[\"\']}"; return 0; fi
  done </etc/os-release
  pallet_fail "package-source: the node's /etc/os-release has no VERSION_CODENAME; set 'suites'"
}

# pallet_ini_set_main FILE KEY VALUE: FILE's text with KEY=VALUE in its [main] section (dnf.conf,
# yum.conf), on stdout: the first KEY= line of [main] is replaced and any other dropped, or the
# line is added at the end of [main]; [main] is added at the top when missing. Other sections
# (repositories may be defined in the same file) and comments stay as they are.
pallet_ini_set_main() {
  local conf=$1 key=$2 value=$3 line in_main=0 written=0 blanks=0
  if [[ ! -e $conf ]] || ! grep -q '^[[:space:]]*\[main\]' "$conf"; then
    printf '[main]\n%s=%s\n' "$key" "$value"
    written=1
    if [[ ! -e $conf ]]; then return 0; fi
  fi
  while IFS= read -r line || [[ -n $line ]]; do
    if ((in_main)) && [[ $line =~ ^[[:space:]]*$ ]]; then
      blanks=$((blanks + 1))
      continue
    fi
    if [[ $line =~ ^[[:space:]]*\[([^]]*)\] ]]; then
      if ((in_main && !written)); then printf '%s=%s\n' "$key" "$value"; written=1; fi
      in_main=0
      if [[ ${BASH_REMATCH[1]} == main ]]; then in_main=1; fi
    elif ((in_main)) && [[ $line =~ ^[[:space:]]*"$key"[[:space:]]*= ]]; then
      if ((!written)); then
        while ((blanks > 0)); do printf '\n'; blanks=$((blanks - 1)); done
        printf '%s=%s\n' "$key" "$value"
        written=1
      fi
      continue
    fi
    while ((blanks > 0)); do printf '\n'; blanks=$((blanks - 1)); done
    printf '%s\n' "$line"
  done <"$conf"
  if ((in_main && !written)); then printf '%s=%s\n' "$key" "$value"; fi
  while ((blanks > 0)); do printf '\n'; blanks=$((blanks - 1)); done
}

# pallet_package_manager [--update true] [--cache-valid-time SECONDS] [--proxy URL]
pallet_package_manager() {
  local update=false valid=3600 proxy=''
  while (($#)); do
    case $1 in
      --update) update=$2; shift 2 ;;
      --cache-valid-time) valid=$2; shift 2 ;;
      --proxy) proxy=$2; shift 2 ;;
      *) pallet_fail "package-manager: unknown option '$1'" ;;
    esac
  done
  pallet_pkg_detect
  if [[ -n $proxy ]]; then
    local desired
    pallet_work_file
    desired=$PALLET_WORK_FILE
    if [[ $PALLET_PKG == apt ]]; then
      printf 'Acquire::http::Proxy "%s";\n' "$proxy" >"$desired"
      pallet_converge_file "$desired" /etc/apt/apt.conf.d/01pallet-proxy --mode 0644
    else
      local conf=/etc/dnf/dnf.conf
      if [[ $PALLET_PKG == yum ]]; then conf=/etc/yum.conf; fi
      pallet_ini_set_main "$conf" proxy "$proxy" >"$desired"
      pallet_converge_file "$desired" "$conf"
    fi
  fi
  if [[ $update == true ]]; then
    local stamp=$PALLET_STATE_DIR/$PALLET_PKG-lists-updated now age
    now=$(date +%s)
    age=$valid
    if [[ -e $stamp ]]; then age=$((now - $(stat -c %Y -- "$stamp"))); else age=$((valid + 1)); fi
    if [[ -e $PALLET_STATE_DIR/apt-lists-stale ]] || ((age > valid)); then
      pallet_changed
      if pallet_checking; then pallet_emit "diff package lists would be refreshed"; return 0; fi
      if [[ $PALLET_PKG == apt ]]; then pallet_apt_update; else "$PALLET_PKG" -q -y makecache >&2; : >"$stamp"; fi
    fi
  fi
}
