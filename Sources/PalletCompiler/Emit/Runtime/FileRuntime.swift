/// The runtime of the `file`, `directory`, `link` and `line` actions.
enum FileRuntime {
    /// The bash source of this part of `lib.sh`.
    static let source = #"""
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
  local desired
  local -a flags=(--owner "$owner" --group "$group" --mode "$mode" --validate "$validate")
  if [[ -n $secret ]]; then
    pallet_require_secret "$secret"
    desired=$PALLET_SECRETS_DIR/$secret
    flags+=(--secret)
  elif [[ -n $url ]]; then
    if [[ -f $path && ! -L $path ]] && [[ $(sha256sum <"$path") == "$sha256  -" ]]; then
      desired=$path
    else
      # Check mode downloads too (into the run's private work directory), so it can show the
      # diff and catch a wrong checksum; it still changes nothing on the node.
      pallet_work_file
      desired=$PALLET_WORK_FILE
      pallet_download "$url" "$desired"
      if [[ $(sha256sum <"$desired") != "$sha256  -" ]]; then
        pallet_fail "file: $url does not have the expected sha256 $sha256 (got $(sha256sum <"$desired" | cut -d' ' -f1))"
      fi
    fi
  elif [[ -n $content ]]; then
    desired=$content
    if ((render)); then
      pallet_work_file
      desired=$PALLET_WORK_FILE
      pallet_render "$(pallet_read_file "$content" && printf x)" >"$desired"
      truncate -s -1 -- "$desired"
    fi
  elif [[ -e $path || -L $path ]] && [[ ! -L $path ]]; then
    desired=$path
  else
    pallet_work_file
    desired=$PALLET_WORK_FILE
  fi
  if [[ $backup == true ]] && ! pallet_checking; then
    pallet_backup_file "$desired" "$path"
  fi
  pallet_converge_file "$desired" "$path" "${flags[@]}"
}

# pallet_backup_file DESIRED PATH: before PATH's content is replaced by DESIRED's, keep a copy as
# PATH.pallet-backup-<time> (with -2, -3, ... when that name is taken, so no backup is lost).
pallet_backup_file() {
  local desired=$1 path=$2 backup counter=1
  if [[ ! -f $path || -L $path ]] || cmp -s -- "$desired" "$path"; then return 0; fi
  backup="$path.pallet-backup-$(date +%Y%m%dT%H%M%S)"
  local stem=$backup
  while [[ -e $backup || -L $backup ]]; do
    counter=$((counter + 1))
    backup="$stem-$counter"
  done
  cp -p -- "$path" "$backup"
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
    if [[ -L $path || ( -e $path && ! -d $path ) ]]; then
      pallet_fail "directory: '$path' is not a directory"
    fi
    if [[ -d $path ]]; then
      pallet_changed
      if pallet_checking; then pallet_emit "diff $path: would be removed with its contents"; return 0; fi
      rm -rf -- "$path"
    fi
    return 0
  fi
  if [[ -e $path && ! -d $path ]] || [[ -L $path ]]; then
    pallet_fail "directory: '$path' exists and is not a directory"
  fi
  if [[ ! -d $path ]]; then
    pallet_changed
    if pallet_checking; then pallet_emit "diff $path: would be created"; return 0; fi
    mkdir -p -- "$path"
    chmod -- "${mode:-0755}" "$path"
  fi
  pallet_converge_attributes "$path" "$owner" "$group" "$mode"
  if pallet_checking && [[ $PALLET_STATUS == would-change ]]; then return 0; fi
  if [[ $recursive == true && ( -n $owner || -n $group ) ]]; then
    local -a test=()
    if [[ -n $owner ]]; then test+=(! -user "$owner"); fi
    if [[ -n $group ]]; then
      if ((${#test[@]})); then test+=(-o); fi
      test+=(! -group "$group")
    fi
    local stray
    stray=$(find "$path" -mindepth 1 \( "${test[@]}" \) -print -quit)
    if [[ -n $stray ]]; then
      pallet_changed
      if pallet_checking; then
        pallet_emit "diff $path: the owner or group of $stray and any others inside would change"
        return 0
      fi
      if [[ -n $owner ]]; then chown -R -h -- "$owner" "$path"; fi
      if [[ -n $group ]]; then chgrp -R -h -- "$group" "$path"; fi
    fi
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
  if [[ $state == absent ]]; then
    if [[ -e $path && ! -L $path ]]; then pallet_fail "link: '$path' is not a symbolic link"; fi
    if [[ -L $path ]]; then
      pallet_changed
      if pallet_checking; then pallet_emit "diff $path: link would be removed"; return 0; fi
      rm -f -- "$path"
    fi
    return 0
  fi
  local current=''
  if [[ -L $path ]]; then current=$(readlink -- "$path"); fi
  if [[ -L $path && $current == "$target" ]]; then return 0; fi
  if [[ -d $path && ! -L $path ]]; then pallet_fail "link: '$path' is a directory"; fi
  pallet_changed
  if pallet_checking; then
    if [[ -L $path ]]; then
      pallet_emit "diff $path: would link to $target (now to $current)"
    elif [[ -e $path ]]; then
      pallet_emit "diff $path: would link to $target (now a file)"
    else
      pallet_emit "diff $path: would link to $target"
    fi
    return 0
  fi
  local dir=${path%/*}
  if [[ -z $dir ]]; then dir=/; fi
  # A name no file has (ln refuses to overwrite, so the unchecked name cannot be raced).
  PALLET_TEMP_FILE=$(mktemp -u "$dir/.pallet-link.XXXXXX")
  ln -s -- "$target" "$PALLET_TEMP_FILE"
  mv -f -T -- "$PALLET_TEMP_FILE" "$path"
  PALLET_TEMP_FILE=''
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
  if [[ ! -f $path ]]; then
    pallet_fail "line: '$path' does not exist or is not a regular file"
  fi
  local desired
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
  ' "$path" >"$desired"
  pallet_converge_file "$desired" "$path"
}
"""#
}
