# pallet_group --name NAME [--gid GID] [--system true] [--state present|absent]
pallet_group() {
  local name='' gid='' system=false state=present current
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --gid) gid=$2; shift 2 ;;
      --system) system=$2; shift 2 ;;
      --state) state=$2; shift 2 ;;
      *) pallet_fail "group: unknown option '$1'" ;;
    esac
  done
  pallet_lookup group "$name"
  current=$PALLET_LOOKUP
  if [[ $state == absent ]]; then
    if [[ -n $current ]]; then
      pallet_changed
      if pallet_checking; then pallet_emit "diff group $name would be removed"; return 0; fi
      groupdel "$name"
    fi
    return 0
  fi
  if [[ -z $current ]]; then
    pallet_changed
    if pallet_checking; then pallet_emit "diff group $name would be created"; return 0; fi
    local -a args=()
    if [[ -n $gid ]]; then args+=(--gid "$gid"); fi
    if [[ $system == true ]]; then args+=(--system); fi
    groupadd "${args[@]}" "$name"
    return 0
  fi
  local current_gid
  pallet_split "$current"
  current_gid=${PALLET_FIELDS[2]:-}
  if [[ -n $gid && $gid != "$current_gid" ]]; then
    pallet_changed
    if pallet_checking; then pallet_emit "diff group $name: gid $current_gid -> $gid"; return 0; fi
    groupmod --gid "$gid" "$name"
  fi
}

# pallet_user --name NAME [--uid UID] [--group GROUP] [--groups G]... [--shell PATH] [--home PATH]
#             [--system true] [--state present|absent]
pallet_user() {
  local name='' uid='' group='' shell='' home='' system=false state=present groups_set=0 current
  local -a groups=()
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --uid) uid=$2; shift 2 ;;
      --group) group=$2; shift 2 ;;
      --groups) groups+=("$2"); groups_set=1; shift 2 ;;
      --shell) shell=$2; shift 2 ;;
      --home) home=$2; shift 2 ;;
      --system) system=$2; shift 2 ;;
      --state) state=$2; shift 2 ;;
      *) pallet_fail "user: unknown option '$1'" ;;
    esac
  done
  pallet_lookup passwd "$name"
  current=$PALLET_LOOKUP
  if [[ $state == absent ]]; then
    if [[ -n $current ]]; then
      pallet_changed
      if pallet_checking; then pallet_emit "diff user $name would be removed"; return 0; fi
      userdel "$name"
    fi
    return 0
  fi
  local joined=''
  if ((${#groups[@]})); then printf -v joined '%s,' "${groups[@]}"; joined=${joined%,}; fi
  if [[ -z $current ]]; then
    if [[ $system != true ]]; then
      if [[ -z $home ]]; then home=$(useradd -D | sed -n 's/^HOME=//p')/$name; fi
      pallet_home_allowed "$home"
    fi
    pallet_changed
    if pallet_checking; then pallet_emit "diff user $name would be created"; return 0; fi
    local -a args=()
    if [[ -n $uid ]]; then args+=(--uid "$uid"); fi
    if [[ -n $group ]]; then args+=(--gid "$group"); fi
    if ((groups_set)) && [[ -n $joined ]]; then args+=(--groups "$joined"); fi
    if [[ -n $shell ]]; then args+=(--shell "$shell"); fi
    if [[ -n $home ]]; then args+=(--home-dir "$home"); fi
    if [[ $system == true ]]; then args+=(--system); else args+=(--create-home); fi
    useradd "${args[@]}" "$name"
    return 0
  fi
  local current_uid current_gid current_home current_shell want_gid current_groups want_groups
  pallet_split "$current"
  current_uid=${PALLET_FIELDS[2]:-} current_gid=${PALLET_FIELDS[3]:-} current_home=${PALLET_FIELDS[5]:-}
  current_shell=${PALLET_FIELDS[6]:-}
  local -a args=() changes=()
  if [[ -n $uid && $uid != "$current_uid" ]]; then args+=(--uid "$uid"); changes+=("uid $current_uid -> $uid"); fi
  if [[ -n $group ]]; then
    want_gid=$group
    if [[ ! $group =~ ^[0-9]+$ ]]; then
      pallet_lookup group "$group"
      pallet_split "$PALLET_LOOKUP"
      want_gid=${PALLET_FIELDS[2]:-}
    fi
    if [[ $want_gid != "$current_gid" ]]; then args+=(--gid "$group"); changes+=("group $current_gid -> $group"); fi
  fi
  if ((groups_set)); then
    # grep -v finds nothing (status 1) for a user in no supplementary group at all.
    current_groups=$(id -Gn "$name" | tr ' ' '\n' | { grep -vxF -- "$(id -gn "$name")" || true; } | sort -u | paste -sd, -)
    want_groups=$(printf '%s\n' "${groups[@]}" | sort -u | paste -sd, -)
    if [[ $current_groups != "$want_groups" ]]; then
      args+=(--groups "$joined")
      changes+=("groups ${current_groups:-none} -> ${want_groups:-none}")
    fi
  fi
  if [[ -n $shell && $shell != "$current_shell" ]]; then args+=(--shell "$shell"); changes+=("shell $current_shell -> $shell"); fi
  if [[ -n $home && $home != "$current_home" ]]; then args+=(--home "$home"); changes+=("home $current_home -> $home"); fi
  if ((${#args[@]})); then
    if [[ -n $home && $home != "$current_home" ]]; then pallet_home_allowed "$home"; fi
    pallet_changed
    if pallet_checking; then pallet_emit "diff user $name: ${changes[*]}"; return 0; fi
    usermod "${args[@]}" "$name"
  fi
}

# pallet_home_allowed HOME: fail unless root alone controls the folder a home is made in
# (useradd and usermod work there as root).
pallet_home_allowed() {
  pallet_context "$1"
  if [[ -n $PALLET_CTX_USER ]] || ((PALLET_CTX_STICKY)); then
    pallet_fail "user: the home '$1' would sit in a folder ${PALLET_CTX_USER:-everyone} may write; pallet makes homes only where root alone controls the folder"
  fi
}

# pallet_authorized_key --user USER --key 'TYPE BASE64 [COMMENT]' [--state present|absent]
# Keys are compared by type and key material; the comment does not matter.
pallet_authorized_key() {
  local user='' key='' state=present
  while (($#)); do
    case $1 in
      --user) user=$2; shift 2 ;;
      --key) key=$2; shift 2 ;;
      --state) state=$2; shift 2 ;;
      *) pallet_fail "authorized-key: unknown option '$1'" ;;
    esac
  done
  local entry home gid
  pallet_lookup passwd "$user"
  entry=$PALLET_LOOKUP
  if [[ -z $entry ]]; then
    if pallet_checking; then pallet_changed; pallet_emit "diff authorized key for $user (user does not exist yet)"; return 0; fi
    pallet_fail "authorized-key: user '$user' does not exist"
  fi
  pallet_split "$entry"
  gid=${PALLET_FIELDS[3]:-} home=${PALLET_FIELDS[5]:-}
  local file=$home/.ssh/authorized_keys desired present=0 current=''
  local -a words
  read -r -a words <<<"$key"
  local body="${words[0]} ${words[1]}"
  pallet_work_file
  desired=$PALLET_WORK_FILE
  # The current keys, read as whoever controls the folder (the user, in a home of their own).
  pallet_context "$file"
  if [[ -z $PALLET_CTX_MISSING ]]; then
    pallet_read_current "$PALLET_CTX_PATH"
    current=$PALLET_CURRENT
    if [[ -n $PALLET_CURRENT_STAT && -z $current ]]; then
      pallet_fail "authorized-key: '$file' is not a regular file"
    fi
  fi
  if [[ -n $current ]]; then
    # A line holds the key when two neighbouring words are exactly the key's type and material
    # (after any options such as from="..."; the comment does not matter).
    # shellcheck disable=SC2016 # awk program, not a shell expansion
    local holds='function holds(  n, i, w) { n = split($0, w, " "); for (i = 1; i < n; i++) if (w[i] " " w[i + 1] == ENVIRON["PALLET_BODY"]) return 1; return 0 }'
    if PALLET_BODY=$body awk "$holds"' holds() { found = 1 } END { exit !found }' "$current"; then
      present=1
    fi
    if [[ $state == present ]]; then
      cat -- "$current" >"$desired"
    else
      PALLET_BODY=$body awk "$holds"' !holds() { print }' "$current" >"$desired"
    fi
  fi
  if [[ $state == present ]] && ((!present)); then printf '%s\n' "$key" >>"$desired"; fi
  if [[ -z $current && $state == absent ]]; then return 0; fi
  # sshd ignores keys in a folder others may write to; keep it the user's, 0700.
  pallet_converge_directory "$home/.ssh" "$user" "$gid" 0700
  pallet_converge_file "$desired" "$file" --owner "$user" --group "$gid" --mode 0600
}
