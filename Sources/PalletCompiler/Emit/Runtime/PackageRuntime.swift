/// The runtime of the `packages`, `package-source` and `package-manager` actions (apt and dnf/yum).
enum PackageRuntime {
    /// The bash source of this part of `lib.sh`.
    static let source = #"""
PALLET_PKG=''
PALLET_PKG_PRESENT=()
PALLET_PKG_ABSENT=()
PALLET_PKG_LATEST=()

# pallet_pkg_detect: pick the package manager from /etc/os-release: apt on Debian-like systems,
# dnf (or yum) on Red Hat-like systems; anything else is a clear error.
pallet_pkg_detect() {
  if [[ -n $PALLET_PKG ]]; then return 0; fi
  if pallet_os_in debian ubuntu; then
    if command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; then PALLET_PKG=apt; return 0; fi
    pallet_fail "packages: $(pallet_os_name) is Debian-like but has no apt-get"
  fi
  if pallet_os_in rhel fedora centos rocky almalinux ol amzn; then
    if command -v dnf >/dev/null && command -v rpm >/dev/null; then PALLET_PKG=dnf; return 0; fi
    if command -v yum >/dev/null && command -v rpm >/dev/null; then PALLET_PKG=yum; return 0; fi
    pallet_fail "packages: $(pallet_os_name) is Red Hat-like but has neither dnf nor yum"
  fi
  pallet_fail "packages: unsupported OS '$(pallet_os_name)': pallet manages packages with apt (Debian, Ubuntu) or dnf/yum (RHEL, Fedora, CentOS, Rocky, Alma)"
}

# pallet_pkg_installed NAME: the installed version of a package, or nothing.
pallet_pkg_installed() {
  local status
  case $PALLET_PKG in
    apt)
      # shellcheck disable=SC2016 # dpkg-query's format, not a shell expansion
      status=$(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$1" 2>/dev/null) || return 0
      if [[ $status == "ii "* ]]; then printf '%s' "${status#ii  }"; fi
      ;;
    *)
      rpm -q --qf '%{VERSION}-%{RELEASE}' "$1" 2>/dev/null || true
      ;;
  esac
}

# pallet_pkg_upgradable NAME: whether a newer version than the installed one is available.
pallet_pkg_upgradable() {
  local installed=$1 name=$2 candidate status
  case $PALLET_PKG in
    apt)
      candidate=$(apt-cache policy "$name" 2>/dev/null | sed -n 's/^ *Candidate: //p')
      [[ -n $candidate && $candidate != "(none)" && $candidate != "$installed" ]]
      ;;
    *)
      status=0
      "$PALLET_PKG" -q check-update "$name" >/dev/null 2>&1 || status=$?
      ((status == 100))
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

# pallet_packages_apply: check every package of the transaction, then install, upgrade and
# remove what is needed in one package-manager run each.
pallet_packages_apply() {
  local spec name version installed
  local -a install=() remove=()
  pallet_pkg_detect
  for spec in "${PALLET_PKG_PRESENT[@]}"; do
    name=${spec%%=*}
    version=''
    if [[ $spec == *=* ]]; then version=${spec#*=}; fi
    installed=$(pallet_pkg_installed "$name")
    if [[ -z $installed || ( -n $version && $version != "$installed" ) ]]; then install+=("$spec"); fi
  done
  for name in "${PALLET_PKG_LATEST[@]}"; do
    installed=$(pallet_pkg_installed "$name")
    if [[ -z $installed ]] || pallet_pkg_upgradable "$installed" "$name"; then install+=("$name"); fi
  done
  for spec in "${PALLET_PKG_ABSENT[@]}"; do
    name=${spec%%=*}
    if [[ -n $(pallet_pkg_installed "$name") ]]; then remove+=("$name"); fi
  done
  PALLET_PKG_PRESENT=()
  PALLET_PKG_LATEST=()
  PALLET_PKG_ABSENT=()
  if ((${#install[@]} + ${#remove[@]} == 0)); then return 0; fi
  pallet_changed
  if ((${#install[@]})); then pallet_emit "diff packages to install: ${install[*]}"; fi
  if ((${#remove[@]})); then pallet_emit "diff packages to remove: ${remove[*]}"; fi
  if pallet_checking; then return 0; fi
  if [[ $PALLET_PKG == apt ]]; then
    if ((${#install[@]})); then pallet_apt_install "${install[@]}"; fi
    if ((${#remove[@]})); then DEBIAN_FRONTEND=noninteractive apt-get -q -y remove "${remove[@]}" >&2; fi
  else
    local i
    for i in "${!install[@]}"; do install[i]=${install[$i]/=/-}; done
    if ((${#install[@]})); then "$PALLET_PKG" -y install "${install[@]}" >&2; fi
    if ((${#remove[@]})); then "$PALLET_PKG" -y remove "${remove[@]}" >&2; fi
  fi
}

# pallet_apt_install NAME...: apt-get install, refreshing the package lists first when they are
# missing or a package source changed, and once more when a package cannot be found.
pallet_apt_install() {
  local -a apt=(apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if [[ -e $PALLET_STATE_DIR/apt-lists-stale ]] || ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
    pallet_apt_update
  fi
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install "$@" >&2; then
    pallet_log "apt-get install failed; refreshing package lists and trying once more"
    pallet_apt_update
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install "$@" >&2
  fi
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
  desired=$(pallet_work_file)
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
    desired=$(pallet_work_file)
    if [[ $PALLET_PKG == apt ]]; then
      printf 'Acquire::http::Proxy "%s";\n' "$proxy" >"$desired"
      pallet_converge_file "$desired" /etc/apt/apt.conf.d/01pallet-proxy --mode 0644
    else
      local conf=/etc/dnf/dnf.conf
      if [[ $PALLET_PKG == yum ]]; then conf=/etc/yum.conf; fi
      if [[ ! -f $conf ]]; then printf '[main]\n' >"$conf"; fi
      grep -v '^proxy=' "$conf" >"$desired" || true
      printf 'proxy=%s\n' "$proxy" >>"$desired"
      if grep -qx "proxy=$proxy" "$conf" && (($(grep -c '^proxy=' "$conf") == 1)); then cp -- "$conf" "$desired"; fi
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
"""#
}
