# pallet_file_in_place --path PATH --content FILE [--owner U] [--group G] [--mode M]: true when the
# facts read before the first step show PATH as a regular file with FILE's MANIFEST digest and the
# wanted owner, group and mode: the step has nothing to do. Any other form of the step (secret,
# url, render, validate, backup, state) and any path whose facts were not read is left to the
# full check.
pallet_file_in_place() {
  [[ $# -ge 4 && $1 == --path && $3 == --content ]] || return 1
  local path=$2 want=${PALLET_MANIFEST_SUM[$4]:-} owner='' group='' mode=''
  shift 4
  while (($# >= 2)); do
    case $1 in
      --owner) owner=$2 ;;
      --group) group=$2 ;;
      --mode) mode=$2 ;;
      *) return 1 ;;
    esac
    shift 2
  done
  (($# == 0)) && [[ -n $want && -n ${PALLET_FACT_ASKED[$path]:-} && $want == "${PALLET_FACT_SUM[$path]:-}" ]] || return 1
  pallet_set_attributes "$path" "$owner" "$group" "$mode" --dry-run
  [[ -z $PALLET_ATTR_DIFF ]]
}

# pallet_file --path PATH [--content FILE | --content-secret ID | --url URL --sha256 HEX] [--render]
#             [--owner USER] [--group GROUP] [--mode MODE] [--backup true] [--state present|absent]
pallet_file() {
  # A run that finds the file as planned decides from the facts alone.
  if ((PALLET_FACTS)) && pallet_file_in_place "$@"; then return 0; fi
  local path='' content='' secret='' url='' sha256='' owner='' group='' mode='' state=present render=0 backup=false validate=''
  while (($#)); do
    case $1 in
      --path) path=$2; shift 2 ;;
      --validate) validate=$2; shift 2 ;;
      --content) content=$PALLET_BUNDLE_DIR/$2; shift 2 ;;
      --content-secret) secret=$2; shift 2 ;;
      --url) url=$2; shift 2 ;;
      --sha256) sha256=$2; shift 2 ;;
      --render) render=1; shift ;;
      --owner) owner=$2; shift 2 ;;
      --group) group=$2; shift 2 ;;
      --mode) mode=$2; shift 2 ;;
      --backup) backup=$2; shift 2 ;;
      --state) state=$2; shift 2 ;;
      *) pallet_fail "file: unknown option '$1'" ;;
    esac
  done
  if [[ $state == absent ]]; then
    pallet_remove_file "$path"
    return 0
  fi
  # An empty desired file keeps the current content (only owner, group and mode are asked).
  local desired=''
  local -a flags=(--owner "$owner" --group "$group" --mode "$mode" --validate "$validate" --backup "$backup")
  if [[ -n $secret ]]; then
    pallet_require_secret "$secret"
    desired=$PALLET_SECRETS_DIR/$secret
    flags+=(--secret)
  elif [[ -n $url ]]; then
    # Filled by the download, only when the file does not already hold the sha256; check mode
    # downloads nothing.
    pallet_work_file
    desired=$PALLET_WORK_FILE
    flags+=(--url "$url" --sha256 "$sha256")
  elif [[ -n $content ]]; then
    desired=$content
    if ((render)); then
      pallet_work_file
      desired=$PALLET_WORK_FILE
      pallet_render "$(pallet_read_file "$content" && printf x)" >"$desired"
      truncate -s -1 -- "$desired"
    fi
  fi
  pallet_converge_file "$desired" "$path" "${flags[@]}"
}

# pallet_download URL FILE: fetch URL with curl or wget.
pallet_download() {
  if command -v curl >/dev/null; then
    curl -fsSL --retry 3 -o "$2" -- "$1"
  elif command -v wget >/dev/null; then
    wget -q -O "$2" -- "$1"
  else
    pallet_fail "file: neither curl nor wget is installed to download $1"
  fi
}

# pallet_directory --path PATH [--owner USER] [--group GROUP] [--mode MODE] [--recursive true]
#                  [--state present|absent]
pallet_directory() {
  local path='' owner='' group='' mode='' recursive=false state=present
  while (($#)); do
    case $1 in
      --path) path=$2; shift 2 ;;
      --owner) owner=$2; shift 2 ;;
      --group) group=$2; shift 2 ;;
      --mode) mode=$2; shift 2 ;;
      --recursive) recursive=$2; shift 2 ;;
      --state) state=$2; shift 2 ;;
      *) pallet_fail "directory: unknown option '$1'" ;;
    esac
  done
  if [[ $state == absent ]]; then
    pallet_context "$path"
    [[ -z $PALLET_CTX_MISSING ]] || return 0
    pallet_owner_stat "$PALLET_CTX_PATH"
    [[ -n $PALLET_LOOKUP ]] || return 0
    if [[ ${PALLET_LOOKUP%%:*} != directory ]]; then
      pallet_fail "directory: '$path' is not a directory"
    fi
    pallet_changed
    if pallet_checking; then pallet_emit "diff $path: would be removed with its contents"; return 0; fi
    # rm works below the folder without following links (openat, O_NOFOLLOW).
    pallet_as_owner rm -rf --one-file-system -- "$PALLET_CTX_PATH"
    return 0
  fi
  pallet_converge_directory "$path" "$owner" "$group" "$mode" "$recursive"
}

# pallet_converge_directory PATH OWNER GROUP MODE [RECURSIVE]: make PATH a directory with the
# given attributes (empty means any), creating it and its missing parents in the context
# pallet_path_context decides; with RECURSIVE true, owner and group apply to everything inside.
pallet_converge_directory() {
  local path=$1 owner=$2 group=$3 mode=$4 recursive=${5:-false}
  pallet_context "$path"
  local label=$path
  path=$PALLET_CTX_PATH
  if [[ -n $PALLET_CTX_USER && -n $owner && $owner != "$PALLET_CTX_USER" && $owner != "$PALLET_CTX_UID" ]]; then
    pallet_fail "'$PALLET_CTX_DIR' is controlled by $PALLET_CTX_USER; pallet works there as $PALLET_CTX_USER, so '$label' can only belong to $PALLET_CTX_USER"
  fi
  local current=''
  if [[ -z $PALLET_CTX_MISSING ]]; then
    pallet_owner_stat "$path"
    current=$PALLET_LOOKUP
  fi
  if [[ -n $current && ${current%%:*} != directory ]]; then
    pallet_fail "directory: '$label' exists and is not a directory"
  fi
  if [[ -z $current ]]; then
    pallet_changed
    if pallet_checking; then pallet_emit "diff $label: would be created"; return 0; fi
    if [[ -n $PALLET_CTX_USER ]]; then
      pallet_as_owner mkdir -p -- "$path" || pallet_fail "could not create '$label' as $PALLET_CTX_USER"
    else
      # The first missing folder is made without -p: in a folder others may write, a name
      # planted meanwhile makes mkdir fail instead of being followed.
      if [[ -n $PALLET_CTX_MISSING ]]; then
        mkdir -- "$PALLET_CTX_MISSING"
        mkdir -p -- "${path%/*}"
      fi
      mkdir -m 0700 -- "$path"
    fi
    mode=${mode:-0755}
    pallet_facts_stale
  fi
  if [[ -n $PALLET_CTX_USER ]]; then
    pallet_owner_stat "$path"
    pallet_split "$PALLET_LOOKUP"
    if [[ ${PALLET_FIELDS[0]:-} != directory ]]; then
      pallet_fail "directory: '$label' is not a directory that $PALLET_CTX_USER can reach (it or a folder above it changed meanwhile)"
    fi
    if [[ ${PALLET_FIELDS[2]:-} != "$PALLET_CTX_UID" ]]; then
      pallet_fail "directory: '$label' belongs to ${PALLET_FIELDS[1]:-} but sits in '$PALLET_CTX_DIR', which $PALLET_CTX_USER controls; pallet will not change it as root (remove it, or give it to $PALLET_CTX_USER)"
    fi
    pallet_attribute_diff "$PALLET_LOOKUP" "" "$group" "$mode"
    if [[ -n $PALLET_ATTR_DIFF ]]; then
      pallet_changed
      if pallet_checking; then pallet_emit "diff $label: ${PALLET_ATTR_DIFF}would change"; return 0; fi
      if [[ -n $mode ]]; then pallet_as_owner chmod -- "$mode" "$path"; fi
      if [[ -n $group ]]; then pallet_as_owner chgrp -- "$group" "$path" || pallet_fail "$PALLET_CTX_USER cannot give '$label' to group $group"; fi
    fi
    if [[ $recursive == true && -n $group ]]; then
      if pallet_checking; then return 0; fi
      pallet_as_owner find -P "$path" -xdev -mindepth 1 ! -group "$group" ! -type l -exec chgrp -- "$group" '{}' + ||
        pallet_fail "$PALLET_CTX_USER cannot give everything in '$label' to group $group"
    fi
    return 0
  fi
  # Root: what is inside first (bottom-up), while the folder itself is still as it was.
  if [[ $recursive == true && ( -n $owner || -n $group ) ]]; then
    if pallet_checking && [[ -z $current ]]; then return 0; fi
    pallet_chown_inside "$path" "$owner" "$group"
  fi
  if [[ -z $current ]]; then
    pallet_set_attributes "$path" "$owner" "$group" "$mode"
  else
    pallet_converge_attributes "$path" "$owner" "$group" "$mode"
  fi
}

# pallet_chown_inside PATH OWNER GROUP: give everything inside PATH (root-controlled) to OWNER
# and GROUP, bottom-up, never across file systems nor through links. Only what sits in folders
# root alone controls, all the way up to PATH, is changed as root; anything else not yet owned
# as asked is refused (a user could have planted it, a hard link to a file of root's perhaps).
pallet_chown_inside() {
  local path=$1 owner=$2 group=$3 want_uid='' want_gid='' i item up info
  if [[ -n $owner ]]; then
    if [[ $owner =~ ^[0-9]+$ ]]; then want_uid=$owner; else pallet_lookup passwd "$owner"; pallet_split "$PALLET_LOOKUP"; want_uid=${PALLET_FIELDS[2]:-}; fi
    [[ -n $want_uid ]] || pallet_fail "user '$owner' does not exist"
  fi
  if [[ -n $group ]]; then
    if [[ $group =~ ^[0-9]+$ ]]; then want_gid=$group; else pallet_lookup group "$group"; pallet_split "$PALLET_LOOKUP"; want_gid=${PALLET_FIELDS[2]:-}; fi
    [[ -n $want_gid ]] || pallet_fail "group '$group' does not exist"
  fi
  local -a fields=() strays=()
  local -A folder=()
  pallet_work_file
  # UID:GID:MODE:TYPE, then the path; children before their folder.
  find -P "$path" -xdev -depth -printf '%U:%G:%m:%y\0%p\0' >"$PALLET_WORK_FILE"
  mapfile -t -d '' fields <"$PALLET_WORK_FILE"
  for ((i = 0; i + 1 < ${#fields[@]}; i += 2)); do
    pallet_split "${fields[i]}"
    if [[ ${PALLET_FIELDS[3]:-} == d ]]; then folder[${fields[i + 1]}]=${fields[i]}; fi
    [[ ${fields[i + 1]} != "$path" ]] || continue
    if [[ -n $want_uid && ${PALLET_FIELDS[0]:-} != "$want_uid" ]] || [[ -n $want_gid && ${PALLET_FIELDS[1]:-} != "$want_gid" ]]; then
      strays+=("${fields[i + 1]}")
    fi
  done
  ((${#strays[@]})) || return 0
  for item in "${strays[@]}"; do
    up=${item%/*}
    while :; do
      info=${folder[$up]:-}
      pallet_split "$info"
      if [[ -z $info || ${PALLET_FIELDS[0]:-} != 0 ]] || ((8#${PALLET_FIELDS[2]:-0} & 8#2)) ||
        { ((8#${PALLET_FIELDS[2]:-0} & 8#20)) && [[ ${PALLET_FIELDS[1]:-} != 0 ]]; }; then
        pallet_fail "directory: '$item' is not owned as asked and sits in '$up', which a user other than root controls; pallet will not change its owner as root (it could be a planted hard link)"
      fi
      [[ $up != "$path" ]] || break
      up=${up%/*}
    done
  done
  pallet_changed
  if pallet_checking; then
    pallet_emit "diff $path: the owner or group of ${strays[0]} and ${#strays[@]} item(s) in all would change"
    return 0
  fi
  # One pass, in find's order: once a folder is handed over, nothing below it is touched again
  # (a second pass would go through folders their new owner may have swapped meanwhile).
  if [[ -n $owner ]]; then
    chown -h -- "$owner${group:+:$group}" "${strays[@]}"
  else
    chgrp -h -- "$group" "${strays[@]}"
  fi
}

# pallet_link --path PATH --target TARGET [--state present|absent]
pallet_link() {
  local path='' target='' state=present
  while (($#)); do
    case $1 in
      --path) path=$2; shift 2 ;;
      --target) target=$2; shift 2 ;;
      --state) state=$2; shift 2 ;;
      *) pallet_fail "link: unknown option '$1'" ;;
    esac
  done
  pallet_context "$path"
  local label=$path kind=''
  path=$PALLET_CTX_PATH
  if [[ -n $PALLET_CTX_MISSING ]]; then
    [[ $state == present ]] || return 0
    if pallet_checking; then pallet_changed; pallet_emit "diff $label: would link to $target (its folder does not exist yet)"; return 0; fi
    pallet_fail "link: the directory '${path%/*}' does not exist"
  fi
  pallet_owner_stat "$path"
  kind=${PALLET_LOOKUP%%:*}
  if [[ $state == absent ]]; then
    if [[ -n $kind && $kind != 'symbolic link' ]]; then pallet_fail "link: '$label' is not a symbolic link"; fi
    if [[ -n $kind ]]; then
      pallet_changed
      if pallet_checking; then pallet_emit "diff $label: link would be removed"; return 0; fi
      pallet_as_owner rm -f -- "$path"
    fi
    return 0
  fi
  local current=''
  if [[ $kind == 'symbolic link' ]]; then
    current=$(pallet_as_owner readlink -- "$path")
    if [[ $current == "$target" ]]; then return 0; fi
  fi
  if [[ $kind == directory ]]; then pallet_fail "link: '$label' is a directory"; fi
  pallet_changed
  if pallet_checking; then
    if [[ $kind == 'symbolic link' ]]; then
      pallet_emit "diff $label: would link to $target (now to $current)"
    elif [[ -n $kind ]]; then
      pallet_emit "diff $label: would link to $target (now a file)"
    else
      pallet_emit "diff $label: would link to $target"
    fi
    return 0
  fi
  # A fresh name beside it (ln refuses to overwrite, so a name planted meanwhile fails), then a
  # rename over the path.
  # shellcheck disable=SC2016 # a program for bash -c
  pallet_as_owner bash -c 'set -eu; dir=${2%/*}; tmp=$(mktemp -u -- "${dir:-/}/.pallet-link.XXXXXX"); ln -s -- "$1" "$tmp"; mv -f -T -- "$tmp" "$2"' \
    pallet-link "$target" "$path" || pallet_fail "link: could not make '$label'${PALLET_CTX_USER:+ as $PALLET_CTX_USER}"
}

# pallet_line --path PATH [--line LINE] [--match REGEX] [--state present|absent]
# present: the first line REGEX matches becomes LINE (later matches, and any match after LINE
# itself, are dropped); with no match, LINE is appended unless it is already there. absent: lines equal to LINE (or matching REGEX) go.
pallet_line() {
  local path='' line='' match='' state=present has_line=0
  while (($#)); do
    case $1 in
      --path) path=$2; shift 2 ;;
      --line) line=$2; has_line=1; shift 2 ;;
      --match) match=$2; shift 2 ;;
      --state) state=$2; shift 2 ;;
      *) pallet_fail "line: unknown option '$1'" ;;
    esac
  done
  pallet_context "$path"
  if [[ -n $PALLET_CTX_MISSING ]]; then pallet_fail "line: '$path' does not exist or is not a regular file"; fi
  pallet_read_current "$PALLET_CTX_PATH"
  if [[ -z $PALLET_CURRENT ]]; then
    pallet_fail "line: '$path' does not exist or is not a regular file"
  fi
  local desired current=$PALLET_CURRENT
  pallet_work_file
  desired=$PALLET_WORK_FILE
  # shellcheck disable=SC2016 # awk program, not a shell expansion
  PALLET_LINE=$line PALLET_MATCH=$match PALLET_STATE=$state PALLET_HAS_LINE=$has_line awk '
    BEGIN { line = ENVIRON["PALLET_LINE"]; re = ENVIRON["PALLET_MATCH"]; absent = (ENVIRON["PALLET_STATE"] == "absent")
            has = (ENVIRON["PALLET_HAS_LINE"] == "1"); found = 0 }
    {
      hit = (re != "") ? ($0 ~ re) : (has && $0 == line)
      if (absent) { if (!hit) print; next }
      if (hit) { if (!found || re == "") print line; found = 1; next }
      if (has && $0 == line) found = 1
      print
    }
    END { if (!absent && !found) print line }
  ' "$current" >"$desired"
  pallet_converge_file "$desired" "$path"
}
