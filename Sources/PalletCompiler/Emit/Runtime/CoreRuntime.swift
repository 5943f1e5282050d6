/// The core of the runtime: protocol lines, steps, status, check mode, handlers, secrets, file convergence.
enum CoreRuntime {
    /// The bash source of this part of `lib.sh`.
    static let source = #"""
# shellcheck shell=bash
# Pallet bundle runtime, sourced by run.sh. It is the same for every bundle and is shown once,
# as out/lib.sh, for review.
#
# Protocol: every line that starts with "::pallet " goes to the run's standard output (fd 3);
# everything else, including the output of scripts and package managers, goes to standard error.
#   ::pallet begin GROUP PHASE STEPS
#   ::pallet step K/N STATUS ACTION SUMMARY            STATUS: ok changed would-change skipped failed
#   ::pallet handler NAME K/N STATUS ACTION SUMMARY
#   ::pallet diff TEXT                                 check mode: what a step would change
#   ::pallet end STATUS ok=N changed=N skipped=N failed=N
#
# Environment (all optional):
#   PALLET_CHECK=1        check mode: report what would change, change nothing
#   PALLET_STATE_DIR      node state (lock, pending handlers); default /var/lib/pallet
#   PALLET_SECRETS_DIR    where the executor delivered secrets; default BUNDLE/secrets
#   PALLET_NODE_NAME, PALLET_NODE_INDEX, PALLET_NODE_ADDRESS   this node, for {{ node.* }}

PALLET_STATE_DIR=${PALLET_STATE_DIR:-/var/lib/pallet}
PALLET_SECRETS_DIR=${PALLET_SECRETS_DIR:-$PALLET_BUNDLE_DIR/secrets}
PALLET_NODE_NAME=${PALLET_NODE_NAME:-$(uname -n)}
PALLET_NODE_INDEX=${PALLET_NODE_INDEX:-0}
PALLET_NODE_ADDRESS=${PALLET_NODE_ADDRESS:-}
PALLET_CHECK=${PALLET_CHECK:-0}
PALLET_GROUP=''
PALLET_PHASE=''
PALLET_TOTAL=0
PALLET_SCOPE='step'
PALLET_STEP=0
PALLET_STEP_TOTAL=0
PALLET_ACTION=''
PALLET_SUMMARY=''
PALLET_STATUS=''
PALLET_PENDING_DIR=''
PALLET_WORK_DIR=''
PALLET_TEMP_FILE=''
PALLET_FAILED=0
PALLET_MAIN_PID=$BASHPID
PALLET_COUNT_OK=0
PALLET_COUNT_CHANGED=0
PALLET_COUNT_SKIPPED=0
declare -A PALLET_WOULD_NOTIFY=()

# pallet_emit TEXT...: one protocol line on fd 3, with control characters escaped.
pallet_emit() {
  local text="$*"
  if [[ $text == *[$'\n\r\t']* ]]; then
    text=${text//$'\n'/\\n}
    text=${text//$'\r'/\\r}
    text=${text//$'\t'/\\t}
  fi
  printf '::pallet %s\n' "$text" >&3
}

# pallet_split TEXT: the ':'-separated fields of TEXT (a getent or stat line) in the array
# PALLET_FIELDS, with no process and no here-string. Empty fields are kept, except a last one:
# read fields as ${PALLET_FIELDS[i]:-}.
PALLET_FIELDS=()
pallet_split() {
  local IFS=:
  # Globbing off until the function returns: the fields are split, never matched as patterns.
  local -
  set -f
  # shellcheck disable=SC2206
  PALLET_FIELDS=($1)
}

# pallet_log TEXT...: a message for the log (standard error).
pallet_log() {
  printf 'pallet: %s\n' "$*" >&2
}

# pallet_fail MESSAGE: report the current step as failed and stop the run.
pallet_fail() {
  pallet_log "error: $*"
  pallet_abort
}

pallet_abort() {
  # In a subshell or command substitution, leave the reporting to the main shell.
  if [[ $BASHPID != "$PALLET_MAIN_PID" ]] || ((PALLET_FAILED)); then exit 1; fi
  PALLET_FAILED=1
  trap - ERR
  if ((PALLET_STEP > 0)); then
    pallet_status_line failed
  fi
  pallet_emit "end failed ok=$PALLET_COUNT_OK changed=$PALLET_COUNT_CHANGED skipped=$PALLET_COUNT_SKIPPED failed=1"
  exit 1
}

pallet_on_error() {
  local status=$1 line=$2
  pallet_log "error: command failed with status $status (run.sh or lib.sh line $line)"
  pallet_abort
}

pallet_cleanup() {
  if [[ -n $PALLET_TEMP_FILE ]]; then rm -f -- "$PALLET_TEMP_FILE"; fi
  if [[ -n $PALLET_WORK_DIR && -d $PALLET_WORK_DIR ]]; then rm -rf -- "$PALLET_WORK_DIR"; fi
}

# pallet_begin GROUP PHASE STEPS: verify the bundle, take the node lock, start the run.
pallet_begin() {
  PALLET_GROUP=$1
  PALLET_PHASE=$2
  PALLET_TOTAL=$3
  exec 3>&1 1>&2
  trap pallet_cleanup EXIT
  trap 'pallet_on_error "$?" "$LINENO"' ERR
  pallet_verify_manifest
  umask 022
  # Existence is tested first: a run that finds everything in place forks nothing here.
  if [[ ! -d $PALLET_STATE_DIR ]]; then mkdir -p -- "$PALLET_STATE_DIR" && chmod 0700 -- "$PALLET_STATE_DIR"; fi
  exec 9>>"$PALLET_STATE_DIR/lock"
  if ! flock -n 9; then
    pallet_log "another pallet run holds the lock on this node; waiting"
    flock 9
  fi
  PALLET_PENDING_DIR="$PALLET_STATE_DIR/pending/$PALLET_GROUP/$PALLET_PHASE"
  if [[ ! -d $PALLET_PENDING_DIR ]]; then mkdir -p -- "$PALLET_PENDING_DIR"; fi
  # Made on first use, inside the bundle's own (private) folder; removed on exit.
  PALLET_WORK_DIR=$PALLET_BUNDLE_DIR/.work
  pallet_emit "begin $PALLET_GROUP $PALLET_PHASE $PALLET_TOTAL"
}

# pallet_verify_manifest: every file of the bundle must match its MANIFEST checksum.
pallet_verify_manifest() {
  if [[ ! -f $PALLET_BUNDLE_DIR/MANIFEST ]]; then
    pallet_fail "bundle has no MANIFEST; refusing to run"
  fi
  # MANIFEST names files relative to the bundle: check from there, without a subshell.
  local here=$PWD status=0
  cd -- "$PALLET_BUNDLE_DIR" || pallet_fail "cannot enter the bundle folder $PALLET_BUNDLE_DIR"
  sha256sum --quiet --strict --check MANIFEST >&2 || status=$?
  cd -- "$here" || pallet_fail "cannot return to $here"
  if ((status != 0)); then
    pallet_fail "bundle does not match its MANIFEST (corrupted or tampered with); nothing was changed"
  fi
  local line
  local -a lines
  mapfile -t lines <"$PALLET_BUNDLE_DIR/MANIFEST"
  for line in "${lines[@]}"; do PALLET_MANIFEST_SUM[${line:66}]=${line:0:64}; done
}

# pallet_end: finish the run; a completed bootstrap leaves $PALLET_STATE_DIR/bootstrapped.
pallet_end() {
  PALLET_STEP=0
  # A node that completed bootstrap once never runs it again (the executor checks this marker).
  if [[ $PALLET_PHASE == bootstrap ]] && ! pallet_checking; then
    : >"$PALLET_STATE_DIR/bootstrapped"
  fi
  pallet_emit "end ok ok=$PALLET_COUNT_OK changed=$PALLET_COUNT_CHANGED skipped=$PALLET_COUNT_SKIPPED failed=0"
}

# pallet_step K ACTION SUMMARY: start step K of the bundle.
pallet_step() {
  PALLET_SCOPE='step'
  PALLET_STEP=$1
  PALLET_STEP_TOTAL=$PALLET_TOTAL
  PALLET_ACTION=$2
  PALLET_SUMMARY=$3
  PALLET_STATUS=ok
}

# pallet_status_line STATUS: the status line of the current step.
pallet_status_line() {
  pallet_emit "$PALLET_SCOPE $PALLET_STEP/$PALLET_STEP_TOTAL $1 $PALLET_ACTION $PALLET_SUMMARY"
}

# pallet_step_end: print the current step's status line.
pallet_step_end() {
  case $PALLET_STATUS in
    ok) PALLET_COUNT_OK=$((PALLET_COUNT_OK + 1)) ;;
    skipped) PALLET_COUNT_SKIPPED=$((PALLET_COUNT_SKIPPED + 1)) ;;
    *) PALLET_COUNT_CHANGED=$((PALLET_COUNT_CHANGED + 1)) ;;
  esac
  pallet_status_line "$PALLET_STATUS"
  PALLET_STEP=0
}

# pallet_checking: true in check mode.
pallet_checking() {
  [[ $PALLET_CHECK == 1 ]]
}

# pallet_changed: mark the current step as changed (or as would-change in check mode).
pallet_changed() {
  if pallet_checking; then PALLET_STATUS=would-change; else PALLET_STATUS=changed; pallet_facts_stale; fi
}

# pallet_when_os FAMILY...: true when the node's OS is one of the families; otherwise marks the
# step skipped.
pallet_when_os() {
  if pallet_os_in "$@"; then return 0; fi
  PALLET_STATUS=skipped
  return 1
}

# pallet_os_families: the node's ID and ID_LIKE words from /etc/os-release, read once, in the
# array PALLET_OS_FAMILIES.
PALLET_OS_FAMILIES=()
PALLET_OS_READ=0
pallet_os_families() {
  local key value
  # Globbing off until the function returns: the words are split, never matched as patterns.
  local -
  set -f
  ((PALLET_OS_READ)) && return 0
  PALLET_OS_READ=1
  [[ -r /etc/os-release ]] || return 0
  while IFS='=' read -r key value; do
    case $key in
      ID | ID_LIKE)
        value=${value#[\"\']}
        value=${value%[\"\']}
        # ID_LIKE is a space-separated list.
        # shellcheck disable=SC2206
        PALLET_OS_FAMILIES+=($value)
        ;;
    esac
  done </etc/os-release
}

# pallet_notify HANDLER: queue a handler when the current step changed something. The handler
# is recorded on the node at once, so a failure later in the run leaves it pending for the next.
pallet_notify() {
  case $PALLET_STATUS in
    changed) : >"$PALLET_PENDING_DIR/$1" ;;
    would-change) PALLET_WOULD_NOTIFY[$1]=1 ;;
  esac
}

# pallet_handler NAME STEPS: true when the handler is pending; starts its steps.
pallet_handler() {
  if [[ -e $PALLET_PENDING_DIR/$1 || -n ${PALLET_WOULD_NOTIFY[$1]:-} ]]; then
    PALLET_HANDLER=$1
    PALLET_HANDLER_TOTAL=$2
    return 0
  fi
  return 1
}

# pallet_handler_step K ACTION SUMMARY: start step K of the current handler.
pallet_handler_step() {
  pallet_step "$@"
  PALLET_SCOPE="handler $PALLET_HANDLER"
  PALLET_STEP_TOTAL=$PALLET_HANDLER_TOTAL
}

# pallet_handler_done NAME: the handler ran; it is no longer pending.
pallet_handler_done() {
  if ! pallet_checking; then rm -f -- "$PALLET_PENDING_DIR/$1"; fi
}

# pallet_render TEXT: TEXT with {{ node.name }}, {{ node.index }} and {{ node.address }} filled in.
pallet_render() {
  local text=$1
  text=${text//"{{ node.name }}"/"$PALLET_NODE_NAME"}
  text=${text//"{{ node.index }}"/"$PALLET_NODE_INDEX"}
  text=${text//"{{ node.address }}"/"$PALLET_NODE_ADDRESS"}
  printf '%s' "$text"
}

# pallet_read_file PATH: the file's exact bytes (trailing newlines kept) on stdout.
pallet_read_file() {
  local text
  text=$(cat -- "$1" && printf x) || return 1
  printf '%s' "${text%x}"
}

# pallet_require_secret ID: fail unless the executor delivered the secret.
pallet_require_secret() {
  if [[ ! -f $PALLET_SECRETS_DIR/$1 ]]; then
    pallet_fail "secret '$1' was not delivered to this run"
  fi
}

# pallet_guard COMMAND: run a guard command with bash; its status is the result.
pallet_guard() {
  bash -c "$1" </dev/null >&2 3>&- 9>&-
}

# pallet_os_in FAMILY...: true when the node's OS (ID or ID_LIKE of /etc/os-release) is one of
# the families.
pallet_os_in() {
  local family node_family
  pallet_os_families
  for node_family in "${PALLET_OS_FAMILIES[@]}"; do
    for family in "$@"; do
      if [[ $family == "$node_family" ]]; then return 0; fi
    done
  done
  return 1
}

# pallet_os_name: the node's PRETTY_NAME or ID, for messages.
pallet_os_name() {
  local key value name=unknown
  [[ -r /etc/os-release ]] || { printf '%s' "$name"; return 0; }
  while IFS='=' read -r key value; do
    value=${value#[\"\']}
    value=${value%[\"\']}
    case $key in
      PRETTY_NAME) name=$value; break ;;
      ID) name=$value ;;
    esac
  done </etc/os-release
  printf '%s' "$name"
}

# pallet_diff OLD NEW LABEL [secret]: in check mode, a unified diff of a file that would change,
# as "::pallet diff" lines; the content of a secret is never shown.
pallet_diff() {
  local old=$1 new=$2 label=$3 secret=${4:-} line
  pallet_checking || return 0
  if [[ -n $secret ]]; then
    pallet_emit "diff $label: content is secret; not shown"
    return 0
  fi
  if [[ ! -e $old ]]; then old=/dev/null; fi
  while IFS= read -r line || [[ -n $line ]]; do
    pallet_emit "diff $line"
  done < <(diff -u --label "$label (node)" --label "$label (plan)" -- "$old" "$new" || true)
}

# pallet_converge_file DESIRED PATH [--owner U] [--group G] [--mode M] [--secret]
#                      [--validate CMD]:
# make PATH hold DESIRED's bytes with the given attributes, through a temp file in the same
# directory and a rename, so the file is never half-written. With --validate, CMD runs with the
# temp file as $1 first, and a failure leaves PATH untouched. Sets the step's status.
pallet_converge_file() {
  local desired=$1 path=$2 owner='' group='' mode='' secret='' validate=''
  shift 2
  while (($#)); do
    case $1 in
      --validate) validate=$2; shift 2 ;;
      --owner) owner=$2; shift 2 ;;
      --group) group=$2; shift 2 ;;
      --mode) mode=$2; shift 2 ;;
      --secret) secret=1; shift ;;
      *) pallet_fail "internal: pallet_converge_file: unknown option '$1'" ;;
    esac
  done
  if [[ -d $path && ! -L $path ]]; then
    pallet_fail "'$path' is a directory"
  fi
  local dir=${path%/*} missing=''
  if [[ -z $dir ]]; then dir=/; fi
  if [[ ! -d $dir ]]; then
    missing="the directory '$dir' does not exist"
  elif [[ -n $owner ]] && ! pallet_account_exists user "$owner"; then
    missing="user '$owner' does not exist"
  elif [[ -n $group ]] && ! pallet_account_exists group "$group"; then
    missing="group '$group' does not exist"
  fi
  if [[ -n $missing ]]; then
    # In check mode an earlier step may be about to create what is missing.
    if pallet_checking; then
      pallet_changed
      pallet_emit "diff $path: would be written ($missing yet)"
      return 0
    fi
    pallet_fail "$missing"
  fi
  local exists=0
  if [[ -e $path || -L $path ]]; then exists=1; fi
  if ((!exists)) || [[ -L $path ]] || ! pallet_same_content "$desired" "$path"; then
    pallet_changed
    pallet_diff "$path" "$desired" "$path" "$secret"
    if pallet_checking; then return 0; fi
    PALLET_TEMP_FILE=$(mktemp "$dir/.pallet.XXXXXX")
    cat -- "$desired" >"$PALLET_TEMP_FILE"
    if ((exists)) && [[ ! -L $path ]]; then
      chmod --reference="$path" -- "$PALLET_TEMP_FILE"
      chown --reference="$path" -- "$PALLET_TEMP_FILE"
    else
      chmod 0644 -- "$PALLET_TEMP_FILE"
    fi
    pallet_set_attributes "$PALLET_TEMP_FILE" "$owner" "$group" "$mode"
    if [[ -n $validate ]] && ! bash -c "$validate" pallet-validate "$PALLET_TEMP_FILE" </dev/null >&2 3>&- 9>&-; then
      pallet_fail "the new content of $path does not pass its validation ($validate); $path was left as it was"
    fi
    sync -- "$PALLET_TEMP_FILE" 2>/dev/null || true
    mv -f -T -- "$PALLET_TEMP_FILE" "$path"
    PALLET_TEMP_FILE=''
    return 0
  fi
  # Nothing asked of owner, group or mode: nothing to check (saves two forks per file).
  if [[ -n $owner$group$mode ]]; then pallet_converge_attributes "$path" "$owner" "$group" "$mode"; fi
}

# pallet_remove_file PATH: remove a file or link if present (never a directory).
pallet_remove_file() {
  local path=$1
  if [[ -d $path && ! -L $path ]]; then
    pallet_fail "'$path' is a directory, not a file"
  fi
  if [[ -e $path || -L $path ]]; then
    pallet_changed
    if pallet_checking; then
      pallet_emit "diff $path: would be removed"
      return 0
    fi
    rm -f -- "$path"
  fi
}

# pallet_work_file: a new empty file in the run's private work directory, named in
# PALLET_WORK_FILE. The directory is the run's own (inside the 0700 bundle folder), so a counter
# names the files and no process is started.
PALLET_WORK_FILE=''
PALLET_WORK_COUNT=0
pallet_work_file() {
  if [[ ! -d $PALLET_WORK_DIR ]]; then mkdir -m 0700 -- "$PALLET_WORK_DIR"; fi
  PALLET_WORK_COUNT=$((PALLET_WORK_COUNT + 1))
  PALLET_WORK_FILE=$PALLET_WORK_DIR/work.$PALLET_WORK_COUNT
  : >"$PALLET_WORK_FILE"
}

# pallet_account_exists user|group NAME: whether the account exists (a numeric id always does).
pallet_account_exists() {
  if [[ $2 =~ ^[0-9]+$ ]]; then return 0; fi
  if [[ $1 == user ]]; then pallet_lookup passwd "$2"; else pallet_lookup group "$2"; fi
  [[ -n $PALLET_LOOKUP ]]
}

# pallet_set_attributes PATH OWNER GROUP MODE [--dry-run]: bring owner, group and mode to the
# wanted values (empty means leave as is); PALLET_ATTR_DIFF lists the attributes that differed
# ("owner group mode ", each followed by a space).
pallet_set_attributes() {
  local path=$1 owner=$2 group=$3 mode=$4 dry=${5:-}
  PALLET_ATTR_DIFF=''
  # PALLET_FIELDS: KIND USER UID GROUP GID MODE.
  pallet_attributes "$path"
  pallet_split "$PALLET_LOOKUP"
  if [[ -n $owner && $owner != "${PALLET_FIELDS[1]:-}" && $owner != "${PALLET_FIELDS[2]:-}" ]]; then
    PALLET_ATTR_DIFF+='owner '
    if [[ -z $dry ]]; then chown -h -- "$owner" "$path"; fi
  fi
  if [[ -n $group && $group != "${PALLET_FIELDS[3]:-}" && $group != "${PALLET_FIELDS[4]:-}" ]]; then
    PALLET_ATTR_DIFF+='group '
    if [[ -z $dry ]]; then chgrp -h -- "$group" "$path"; fi
  fi
  if [[ -n $mode ]] && ((8#$mode != 8#${PALLET_FIELDS[5]:-0})); then
    PALLET_ATTR_DIFF+='mode '
    if [[ -z $dry ]]; then chmod -- "$mode" "$path"; fi
  fi
}

# pallet_converge_attributes PATH OWNER GROUP MODE: the step changes (or, in check mode, would
# change) what differs of owner, group and mode.
pallet_converge_attributes() {
  pallet_set_attributes "$1" "$2" "$3" "$4" --dry-run
  if [[ -n $PALLET_ATTR_DIFF ]]; then
    pallet_changed
    if pallet_checking; then pallet_emit "diff $1: ${PALLET_ATTR_DIFF}would change"; return 0; fi
    pallet_set_attributes "$1" "$2" "$3" "$4"
  fi
}
"""#
}
