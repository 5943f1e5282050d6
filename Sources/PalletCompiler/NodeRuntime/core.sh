# shellcheck shell=bash
# Pallet bundle runtime, sourced by run.sh. It is the same for every bundle and is shown once,
# as out/lib.sh, for review.
#
# Protocol: every line that starts with "::pallet " goes to the run's standard output (fd 3);
# everything else, including the output of scripts and package managers, goes to standard error.
#   ::pallet begin GROUP PHASE STEPS
#   ::pallet step K/N STATUS ACTION SUMMARY            STATUS: ok changed would-change unknown skipped failed
#                                                      (unknown: check mode could not tell without running
#                                                      a command of the spec or a download)
#   ::pallet handler NAME K/N STATUS ACTION SUMMARY
#   ::pallet diff TEXT                                 check mode: what a step would change
#   ::pallet end STATUS ok=N changed=N skipped=N failed=N
#
# Environment (all optional):
#   PALLET_CHECK=1        check mode: report what would change, change nothing, and run no
#                         command of the spec (guards, validate) and no download
#   PALLET_LOCK_WAIT      seconds to wait for another run's node lock; default 600
#   PALLET_USER_TIMEOUT   seconds an operation done as a folder's user may take; default 30
#   PALLET_STATE_DIR      node state (lock, pending handlers); default /var/lib/pallet
#   PALLET_SECRETS_DIR    where the executor delivered secrets; default BUNDLE/secrets
#   PALLET_NODE_NAME, PALLET_NODE_INDEX, PALLET_NODE_ADDRESS   this node, for {{ node.* }}

PALLET_STATE_DIR=${PALLET_STATE_DIR:-/var/lib/pallet}
PALLET_SECRETS_DIR=${PALLET_SECRETS_DIR:-$PALLET_BUNDLE_DIR/secrets}
PALLET_NODE_NAME=${PALLET_NODE_NAME:-$(uname -n)}
PALLET_NODE_INDEX=${PALLET_NODE_INDEX:-0}
PALLET_NODE_ADDRESS=${PALLET_NODE_ADDRESS:-}
PALLET_CHECK=${PALLET_CHECK:-0}
PALLET_LOCK_WAIT=${PALLET_LOCK_WAIT:-600}
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
    pallet_log "another pallet run holds the lock on this node; waiting at most $PALLET_LOCK_WAIT seconds"
    # timeout, not flock -w: it also ends a flock started with its timer signal blocked.
    timeout -k 1 "$PALLET_LOCK_WAIT" flock 9 || pallet_fail "another pallet run held the lock on this node for more than $PALLET_LOCK_WAIT seconds; nothing was changed"
  fi
  pallet_remove_leftover
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
    would-change | unknown) PALLET_WOULD_NOTIFY[$1]=1 ;;
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

# pallet_load_file PATH: the file's exact bytes, trailing newlines kept, in PALLET_VALUE (a
# command substitution alone would drop them).
PALLET_VALUE=''
pallet_load_file() {
  PALLET_VALUE=$(cat -- "$1" && printf x) || return 1
  PALLET_VALUE=${PALLET_VALUE%x}
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

# Who acts where. Pallet runs as root, but a folder that a non-root user controls is that
# user's: a path in it may be a planted symbolic link, hard link or FIFO, or be swapped while
# pallet works. Before a step touches a path, pallet_path_context decides who may act on the
# path's folder, after systemd-tmpfiles' "unsafe path transition" rule, from one stat of every
# folder from / down (not following links):
#   - root-controlled: each folder is owned by root and writable by nobody else (group write
#     only for group 0); pallet acts as root. A root-owned sticky folder that others may write
#     (/tmp) is root-controlled only for entries owned by root: an entry there that belongs to
#     anyone else, the path itself included, is refused. A root-owned symbolic link in a
#     root-controlled folder is followed (at most 8 of them).
#   - user-controlled: from the first folder owned by a non-root user U and writable by nobody
#     else, pallet acts as U (setpriv with U's groups, a fresh environment, from /, without the
#     run's protocol and lock, for at most PALLET_USER_TIMEOUT seconds), so the kernel lets it
#     do only what U could do anyway; what it writes there belongs to U.
#   - anything else (a folder writable by a non-root group or by everyone, control passing
#     from one user to another, a link owned by someone else) is refused: the step fails,
#     naming the folder, and nothing is written.
# Every decision (compare, diff, validate, backup) is made on root-private copies in the run's
# work folder; the change itself is one short operation in the right context: a temp file made
# with O_EXCL beside the target, owner, group and final mode set before any content, the
# content, fsync, rename.
PALLET_USER_TIMEOUT=${PALLET_USER_TIMEOUT:-30}
PALLET_CTX_USER=''
PALLET_CTX_UID=0
PALLET_CTX_GID=0
PALLET_CTX_DIR=''
PALLET_CTX_STICKY=0
PALLET_CTX_PATH=''
PALLET_CTX_TARGET=''
PALLET_CTX_MISSING=''
PALLET_CTX_REFUSAL=''
PALLET_CURRENT=''
PALLET_CURRENT_STAT=''
PALLET_PARTS=()
declare -A PALLET_PATH_STAT=() PALLET_LINK_CACHE=()

# pallet_path_stat PATH...: "KIND:USER:UID:GROUP:GID:MODE:LINKS" of each PATH (not following a link)
# in PALLET_PATH_STAT, empty for a missing one: from the facts where they hold it, otherwise
# from one stat for all.
pallet_path_stat() {
  local -a ask=() fields=()
  local path i answer=$PALLET_BUNDLE_DIR/.facts
  PALLET_PATH_STAT=()
  for path in "$@"; do
    if ((PALLET_FACTS)) && [[ -n ${PALLET_FACT_ASKED[$path]:-} ]]; then
      PALLET_PATH_STAT[$path]=${PALLET_FACT_STAT[$path]:-}
    else
      ask+=("$path")
    fi
  done
  ((${#ask[@]})) || return 0
  stat --printf '%n\0%F:%U:%u:%G:%g:%a:%h\0' -- "${ask[@]}" >"$answer" 2>/dev/null || true
  mapfile -t -d '' fields <"$answer"
  for ((i = 0; i + 1 < ${#fields[@]}; i += 2)); do PALLET_PATH_STAT[${fields[i]}]=${fields[i + 1]}; done
}

# pallet_folders PATH: PATH's folders from / down ("/", "/a", "/a/b" for /a/b/c) in PALLET_PARTS.
pallet_folders() {
  local IFS=/ part prefix=''
  local -a parts
  local -
  set -f
  # shellcheck disable=SC2206
  parts=(${1%/*})
  PALLET_PARTS=(/)
  for part in "${parts[@]}"; do
    if [[ -n $part ]]; then prefix+=/$part; PALLET_PARTS+=("$prefix"); fi
  done
}

# pallet_path_context PATH: decide who may act on PATH's folder (see above). Sets PALLET_CTX_*;
# false, with the reason in PALLET_CTX_REFUSAL, when nobody may.
pallet_path_context() {
  local path=$1 hops=0 folder at kind owner uid group gid mode sticky followed target
  PALLET_CTX_REFUSAL=''
  while :; do
    PALLET_CTX_USER='' PALLET_CTX_UID=0 PALLET_CTX_GID=0 PALLET_CTX_DIR='' PALLET_CTX_STICKY=0
    PALLET_CTX_PATH=$path PALLET_CTX_TARGET='' PALLET_CTX_MISSING=''
    pallet_folders "$path"
    pallet_path_stat "${PALLET_PARTS[@]}" "$path"
    sticky=0 followed=0
    for folder in "${PALLET_PARTS[@]}"; do
      at=${PALLET_PATH_STAT[$folder]:-}
      if [[ -z $at ]]; then PALLET_CTX_MISSING=$folder; break; fi
      pallet_split "$at"
      kind=${PALLET_FIELDS[0]:-} owner=${PALLET_FIELDS[1]:-} uid=${PALLET_FIELDS[2]:-} group=${PALLET_FIELDS[3]:-}
      gid=${PALLET_FIELDS[4]:-} mode=$((8#${PALLET_FIELDS[5]:-0}))
      if [[ -n $PALLET_CTX_USER ]]; then
        # Below the user's folder the kernel bounds what pallet does as that user, as long as no
        # one else can change anything there: a link followed is the user's (or root's), and no
        # folder is writable by everyone or by a group other than root's and the user's own
        # (where umask 002 makes folders group-writable).
        if [[ $kind == 'symbolic link' ]]; then
          if [[ $uid != "$PALLET_CTX_UID" && $uid != 0 ]]; then
            PALLET_CTX_REFUSAL="'$folder' is a symbolic link owned by $owner in '$PALLET_CTX_DIR', which $PALLET_CTX_USER controls; pallet will not follow it"
            return 1
          fi
          break
        fi
        if [[ $kind != directory ]]; then PALLET_CTX_REFUSAL="'$folder' is not a folder"; return 1; fi
        if [[ $uid != "$PALLET_CTX_UID" ]]; then
          PALLET_CTX_REFUSAL="folder '$folder' belongs to $owner but sits in '$PALLET_CTX_DIR', which $PALLET_CTX_USER controls; pallet will not act there"
          return 1
        fi
        if ((mode & 8#2)) || { ((mode & 8#20)) && [[ $gid != 0 && $gid != "$PALLET_CTX_GID" ]]; }; then
          PALLET_CTX_REFUSAL="folder '$folder' in '$PALLET_CTX_DIR' is writable by others than $PALLET_CTX_USER (group $group, mode ${PALLET_FIELDS[5]:-}); pallet will not act there"
          return 1
        fi
        continue
      fi
      if ((sticky)) && [[ $uid != 0 ]]; then
        PALLET_CTX_REFUSAL="'$folder' belongs to $owner in a folder everyone may write; pallet will not act there as root"
        return 1
      fi
      if [[ $kind == 'symbolic link' ]]; then
        if [[ $uid != 0 ]]; then
          PALLET_CTX_REFUSAL="'$folder' is a symbolic link owned by $owner; pallet will not follow it as root"
          return 1
        fi
        if ((++hops > 8)); then PALLET_CTX_REFUSAL="too many symbolic links in '$1'"; return 1; fi
        target=${PALLET_LINK_CACHE[$folder]:-}
        if [[ -z $target ]]; then target=$(readlink -- "$folder"); PALLET_LINK_CACHE[$folder]=$target; fi
        if [[ $target != /* ]]; then target=${folder%/*}/$target; fi
        path=$target${path#"$folder"}
        followed=1
        break
      fi
      if [[ $kind != directory ]]; then PALLET_CTX_REFUSAL="'$folder' is not a folder"; return 1; fi
      if [[ $uid == 0 ]] && (((mode & 8#1002) == 8#1002)); then
        sticky=1
        continue
      fi
      sticky=0
      if ((mode & 8#2)); then
        PALLET_CTX_REFUSAL="folder '$folder' is writable by everyone; pallet will not act there as root"
        return 1
      fi
      if ((mode & 8#20)) && [[ $gid != 0 ]]; then
        PALLET_CTX_REFUSAL="folder '$folder' is writable by group $group; pallet will not act there as root"
        return 1
      fi
      if [[ $uid != 0 ]]; then
        if [[ $owner == UNKNOWN ]]; then
          PALLET_CTX_REFUSAL="folder '$folder' belongs to uid $uid, which has no account; pallet will not act there"
          return 1
        fi
        PALLET_CTX_USER=$owner PALLET_CTX_UID=$uid PALLET_CTX_DIR=$folder
        pallet_lookup passwd "$PALLET_CTX_USER"
        pallet_split "$PALLET_LOOKUP"
        PALLET_CTX_GID=${PALLET_FIELDS[3]:-$PALLET_CTX_UID}
      fi
    done
    ((followed)) || break
  done
  PALLET_CTX_STICKY=$sticky
  if [[ -z $PALLET_CTX_USER && -z $PALLET_CTX_MISSING ]]; then
    PALLET_CTX_TARGET=${PALLET_PATH_STAT[$path]:-}
    pallet_split "$PALLET_CTX_TARGET"
    if ((sticky)) && [[ -n $PALLET_CTX_TARGET && ${PALLET_FIELDS[2]:-} != 0 ]]; then
      PALLET_CTX_REFUSAL="'$path' belongs to ${PALLET_FIELDS[1]:-} in a folder everyone may write; pallet will not act on it as root"
      return 1
    fi
    # Anyone may have made a hard link to a file of root's there (where the kernel allows it).
    if ((sticky)) && [[ ${PALLET_FIELDS[0]:-} != directory && ${PALLET_FIELDS[6]:-1} != 1 ]]; then
      PALLET_CTX_REFUSAL="'$path' has ${PALLET_FIELDS[6]:-} hard links in a folder everyone may write; pallet will not act on it as root"
      return 1
    fi
  fi
  return 0
}

# pallet_context PATH: pallet_path_context, failing the step when the path is refused.
pallet_context() {
  pallet_path_context "$1" || pallet_fail "$PALLET_CTX_REFUSAL; nothing was changed"
}

# pallet_as_owner COMMAND...: COMMAND with the rights of whoever controls the folder of the last
# path decided (root runs it directly).
pallet_as_owner() {
  if [[ -z $PALLET_CTX_USER ]]; then "$@"; return; fi
  timeout -k 5 "$PALLET_USER_TIMEOUT" setpriv --reuid="$PALLET_CTX_UID" --regid="$PALLET_CTX_GID" --init-groups --reset-env \
    -- env -C / PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@" 3>&- 9>&-
}

# pallet_owner_stat PATH: "KIND:USER:UID:GROUP:GID:MODE:LINKS" of PATH (the last path decided) in
# PALLET_LOOKUP, empty when missing; in a user's folder, asked as that user.
pallet_owner_stat() {
  if [[ -z $PALLET_CTX_USER ]]; then PALLET_LOOKUP=$PALLET_CTX_TARGET; return 0; fi
  PALLET_LOOKUP=$(pallet_as_owner stat --printf '%F:%U:%u:%G:%g:%a:%h' -- "$1" 2>/dev/null || true)
}

# The programs pallet runs as a folder's user (or as root in a root-controlled folder).
# Read: the attributes of $1 on fd 4 and, only when it is a regular file, its bytes on standard
# output (never through a final link; a FIFO is not waited for). A file the user may not read
# (a hard link to someone else's file) is "unreadable": its content is not known.
# shellcheck disable=SC2016 # programs for bash -c: their $1 is theirs
PALLET_READ_PROGRAM='st=$(stat --printf "%F:%U:%u:%G:%g:%a:%h" -- "$1" 2>/dev/null) || exit 0
case $st in
  "regular file:"* | "regular empty file:"*) dd if="$1" iflag=nofollow,nonblock status=none 2>/dev/null || st="unreadable ${st#regular }" ;;
esac
printf "%s" "$st" >&4'
# Install standard input as $1 with owner $2, group $3, mode $4: a new temp file $6 beside it
# (made exclusively; when $5 is 1, $6 is a fresh private folder and the file is inside it: the
# folder is sticky and others may write it), owner, group and mode set first, then the content,
# fsync, rename.
# shellcheck disable=SC2016
PALLET_INSTALL_PROGRAM='set -eu
stage=
if [ "$5" = 1 ]; then mkdir -m 0700 -- "$6"; stage=$6; tmp=$stage/new; else tmp=$6; fi
(umask 077 && set -C && : >"$tmp")
trap '\''[ -z "$tmp" ] || rm -f -- "$tmp"; [ -z "$stage" ] || rmdir -- "$stage"'\'' EXIT
exec 5>>"$tmp"
[ -z "$2" ] || chown -h -- "$2" "$tmp"
[ -z "$3" ] || chgrp -h -- "$3" "$tmp"
chmod -- "$4" "$tmp"
cat >&5
exec 5>&-
sync -- "$tmp"
mv -f -T -- "$tmp" "$1"
tmp='

# pallet_read_current PATH: after pallet_path_context, the current content of PATH for
# decisions: PALLET_CURRENT names a file holding it ('' unless PATH is a regular file) and
# PALLET_CURRENT_STAT holds its attributes ('' when missing). In a root-controlled folder that
# is PATH itself; in a user's folder, a private copy read as that user.
pallet_read_current() {
  local content='' attributes=''
  PALLET_CURRENT='' PALLET_CURRENT_STAT=''
  if [[ -z $PALLET_CTX_USER ]]; then
    PALLET_CURRENT_STAT=$PALLET_CTX_TARGET
  else
    pallet_work_file
    content=$PALLET_WORK_FILE
    pallet_work_file
    attributes=$PALLET_WORK_FILE
    pallet_as_owner bash -c "$PALLET_READ_PROGRAM" pallet-read "$1" >"$content" 4>"$attributes" ||
      pallet_fail "could not read '$1' as $PALLET_CTX_USER, who controls '$PALLET_CTX_DIR'"
    read -r PALLET_CURRENT_STAT <"$attributes" || true
  fi
  case $PALLET_CURRENT_STAT in
    'regular file:'* | 'regular empty file:'*) PALLET_CURRENT=${content:-$1} ;;
  esac
}

# pallet_install_file SOURCE PATH OWNER GROUP MODE: write SOURCE's bytes to PATH (the last path
# decided) in its context, with its attributes from the first instant. SOURCE is opened by root
# and reaches a user's process only on standard input.
# The temp file's name is recorded in the node state before it exists and forgotten once it was
# renamed, so that what a run killed with SIGKILL left there is removed by the next run.
pallet_install_file() {
  local who='' dir=${2%/*} temp
  if [[ -n $PALLET_CTX_USER ]]; then who=" as $PALLET_CTX_USER, who controls $PALLET_CTX_DIR"; fi
  printf -v temp '%s/.pallet.%08x%08x' "$dir" "${SRANDOM:-$RANDOM}" "${SRANDOM:-$RANDOM}"
  printf '%s' "$temp" >"$PALLET_STATE_DIR/installing"
  pallet_as_owner bash -c "$PALLET_INSTALL_PROGRAM" pallet-install "$2" "$3" "$4" "$5" "$PALLET_CTX_STICKY" "$temp" <"$1" ||
    pallet_fail "could not write '$2'$who"
  : >"$PALLET_STATE_DIR/installing"
}

# pallet_remove_leftover: remove the temp file (or private folder) an install of a run killed
# with SIGKILL left behind, as whoever controls its folder; only a regular file, or root's own
# folder where root alone acts. Check mode leaves it to the next run that may change things.
pallet_remove_leftover() {
  local journal=$PALLET_STATE_DIR/installing
  if [[ ! -s $journal ]] || pallet_checking; then return 0; fi
  pallet_load_file "$journal"
  if pallet_path_context "$PALLET_VALUE" && [[ -z $PALLET_CTX_MISSING ]]; then
    pallet_owner_stat "$PALLET_CTX_PATH"
    case $PALLET_LOOKUP in
      'regular file:'* | 'regular empty file:'*) pallet_as_owner rm -f -- "$PALLET_CTX_PATH" || true ;;
      directory:root:0:*) [[ -n $PALLET_CTX_USER ]] || rm -rf --one-file-system -- "$PALLET_CTX_PATH" ;;
    esac
    if [[ -n $PALLET_LOOKUP ]]; then pallet_log "removed '$PALLET_VALUE', left by a run that was killed while it wrote a file"; fi
  fi
  : >"$journal"
}

# pallet_converge_file DESIRED PATH [--owner U] [--group G] [--mode M] [--secret]
#                      [--validate CMD] [--backup true] [--url URL --sha256 HEX]:
# make PATH hold DESIRED's bytes with the given attributes (an empty DESIRED keeps the current
# content), never half-written. With --validate, CMD runs as root on a private copy of the new
# content first ($1), and a failure leaves PATH untouched. With --url, DESIRED is filled by the
# download when PATH does not already hold the sha256. Sets the step's status.
pallet_converge_file() {
  local desired=$1 path=$2 owner='' group='' mode='' secret='' validate='' backup='' url='' sha256=''
  shift 2
  while (($#)); do
    case $1 in
      --validate) validate=$2; shift 2 ;;
      --owner) owner=$2; shift 2 ;;
      --group) group=$2; shift 2 ;;
      --mode) mode=$2; shift 2 ;;
      --secret) secret=1; shift ;;
      --backup) backup=$2; shift 2 ;;
      --url) url=$2; shift 2 ;;
      --sha256) sha256=$2; shift 2 ;;
      *) pallet_fail "internal: pallet_converge_file: unknown option '$1'" ;;
    esac
  done
  pallet_context "$path"
  local label=$path
  path=$PALLET_CTX_PATH
  local dir=${path%/*} missing=''
  if [[ -z $dir ]]; then dir=/; fi
  if [[ -n $PALLET_CTX_MISSING ]]; then
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
      pallet_emit "diff $label: would be written ($missing yet)"
      return 0
    fi
    pallet_fail "$missing"
  fi
  if [[ -n $PALLET_CTX_USER && -n $owner && $owner != "$PALLET_CTX_USER" && $owner != "$PALLET_CTX_UID" ]]; then
    pallet_fail "'$PALLET_CTX_DIR' is controlled by $PALLET_CTX_USER; pallet writes there as $PALLET_CTX_USER, so '$label' can only belong to $PALLET_CTX_USER"
  fi
  # A secret is 0600 and root's unless asked otherwise (in a user's folder: that user's).
  if [[ -n $secret ]]; then
    mode=${mode:-0600}
    if [[ -z $PALLET_CTX_USER ]]; then owner=${owner:-0}; fi
  fi
  pallet_read_current "$path"
  if [[ ${PALLET_CURRENT_STAT%%:*} == directory ]]; then pallet_fail "'$label' is a directory"; fi
  if [[ -n $url ]]; then
    if [[ -n $PALLET_CURRENT && $(sha256sum <"$PALLET_CURRENT") == "$sha256  -" ]]; then
      desired=$PALLET_CURRENT
    elif pallet_checking; then
      PALLET_STATUS=unknown
      pallet_emit "diff $label: not evaluated: check mode does not download $url"
      return 0
    else
      pallet_download "$url" "$desired"
      if [[ $(sha256sum <"$desired") != "$sha256  -" ]]; then
        pallet_fail "file: $url does not have the expected sha256 $sha256 (got $(sha256sum <"$desired" | cut -d' ' -f1))"
      fi
    fi
  fi
  if [[ -z $desired ]]; then
    desired=$PALLET_CURRENT
    if [[ -z $desired ]]; then pallet_work_file; desired=$PALLET_WORK_FILE; fi
  fi
  pallet_split "$PALLET_CURRENT_STAT"
  local have_uid=${PALLET_FIELDS[2]:-} have_gid=${PALLET_FIELDS[4]:-} have_mode=${PALLET_FIELDS[5]:-}
  if [[ -n $PALLET_CURRENT ]] && pallet_same_content "$desired" "$PALLET_CURRENT"; then
    # Nothing asked of owner, group or mode: nothing to check (saves two forks per file).
    [[ -n $owner$group$mode ]] || return 0
    pallet_attribute_diff "$PALLET_CURRENT_STAT" "$owner" "$group" "$mode"
    [[ -n $PALLET_ATTR_DIFF ]] || return 0
    pallet_changed
    if pallet_checking; then pallet_emit "diff $label: ${PALLET_ATTR_DIFF}would change"; return 0; fi
    if [[ -z $PALLET_CTX_USER ]]; then
      pallet_set_attributes "$path" "$owner" "$group" "$mode"
      return 0
    fi
    # As the folder's user: the file is written anew, which also makes it the user's.
  else
    pallet_changed
    local old=${PALLET_CURRENT:-/dev/null}
    pallet_diff "$old" "$desired" "$label" "$secret"
    if pallet_checking; then
      if [[ -n $validate ]]; then pallet_emit "diff $label: not evaluated: check mode does not run the validate command"; fi
      return 0
    fi
  fi
  if [[ -n $validate ]]; then
    pallet_work_file
    cat -- "$desired" >"$PALLET_WORK_FILE"
    if ! bash -c "$validate" pallet-validate "$PALLET_WORK_FILE" </dev/null >&2 3>&- 9>&-; then
      pallet_fail "the new content of $label does not pass its validation ($validate); $label was left as it was"
    fi
  fi
  if [[ $backup == true && -n $PALLET_CURRENT ]] && ! cmp -s -- "$desired" "$PALLET_CURRENT"; then
    # PATH.pallet-backup-<time>, with -2, -3, ... when that name is taken, so no backup is lost.
    local name stem counter=1 keep_owner=$have_uid
    stem="$path.pallet-backup-$(date +%Y%m%dT%H%M%S)"
    name=$stem
    while [[ -e $name || -L $name ]]; do
      counter=$((counter + 1))
      name="$stem-$counter"
    done
    if [[ -n $PALLET_CTX_USER ]]; then keep_owner=''; fi
    pallet_install_file "$PALLET_CURRENT" "$name" "$keep_owner" "$have_gid" "$have_mode"
    pallet_log "file: kept the previous content of $label as $name"
  fi
  # Attributes: those asked, else the current file's, else root's 0644. In a user's folder the
  # owner is always that user.
  if [[ -n $PALLET_CURRENT_STAT ]]; then
    [[ -n $PALLET_CTX_USER ]] || owner=${owner:-$have_uid}
    if [[ -z $PALLET_CTX_USER || $have_uid == "$PALLET_CTX_UID" ]]; then group=${group:-$have_gid}; fi
    mode=${mode:-$have_mode}
  fi
  if [[ -n $PALLET_CTX_USER ]]; then owner=''; fi
  pallet_install_file "$desired" "$path" "$owner" "$group" "${mode:-0644}"
}

# pallet_remove_file PATH: remove a file or link if present (never a directory).
pallet_remove_file() {
  local path=$1
  pallet_context "$path"
  [[ -z $PALLET_CTX_MISSING ]] || return 0
  pallet_owner_stat "$PALLET_CTX_PATH"
  [[ -n $PALLET_LOOKUP ]] || return 0
  if [[ ${PALLET_LOOKUP%%:*} == directory ]]; then
    pallet_fail "'$path' is a directory, not a file"
  fi
  pallet_changed
  if pallet_checking; then
    pallet_emit "diff $path: would be removed"
    return 0
  fi
  pallet_as_owner rm -f -- "$PALLET_CTX_PATH"
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

# pallet_attribute_diff STAT OWNER GROUP MODE: the attributes of STAT ("KIND:USER:UID:GROUP:
# GID:MODE") that differ from the wanted ones (empty means any), in PALLET_ATTR_DIFF ("owner
# group mode ", each followed by a space).
pallet_attribute_diff() {
  local owner=$2 group=$3 mode=$4
  PALLET_ATTR_DIFF=''
  pallet_split "$1"
  if [[ -n $owner && $owner != "${PALLET_FIELDS[1]:-}" && $owner != "${PALLET_FIELDS[2]:-}" ]]; then PALLET_ATTR_DIFF+='owner '; fi
  if [[ -n $group && $group != "${PALLET_FIELDS[3]:-}" && $group != "${PALLET_FIELDS[4]:-}" ]]; then PALLET_ATTR_DIFF+='group '; fi
  if [[ -n $mode ]] && ((8#$mode != 8#${PALLET_FIELDS[5]:-0})); then PALLET_ATTR_DIFF+='mode '; fi
}

# pallet_set_attributes PATH OWNER GROUP MODE [--dry-run]: bring owner, group and mode of PATH
# (in a root-controlled folder) to the wanted values (empty means leave as is); PALLET_ATTR_DIFF
# lists the attributes that differed. The mode is set while root still owns the entry; a
# setuid or setgid mode is set again after a change of owner (which clears it), except in a
# folder everyone may write, where the new owner could have swapped the entry by then.
pallet_set_attributes() {
  local path=$1 owner=$2 group=$3 mode=$4 dry=${5:-}
  pallet_attributes "$path"
  pallet_attribute_diff "$PALLET_LOOKUP" "$owner" "$group" "$mode"
  [[ -z $dry && -n $PALLET_ATTR_DIFF ]] || return 0
  if [[ $PALLET_ATTR_DIFF == *mode* ]]; then chmod -- "$mode" "$path"; fi
  if [[ $PALLET_ATTR_DIFF == *owner* ]]; then chown -h -- "$owner" "$path"; fi
  if [[ $PALLET_ATTR_DIFF == *group* ]]; then chgrp -h -- "$group" "$path"; fi
  if [[ -n $mode && ( $PALLET_ATTR_DIFF == *owner* || $PALLET_ATTR_DIFF == *group* ) ]] && ((8#$mode & 8#6000)); then
    if ((PALLET_CTX_STICKY)); then
      pallet_fail "'$path' sits in a folder everyone may write; pallet will not set setuid or setgid bits there after handing it to another owner"
    fi
    chmod -- "$mode" "$path"
  fi
}

# pallet_converge_attributes PATH OWNER GROUP MODE: the step changes (or, in check mode, would
# change) what differs of owner, group and mode of PATH, in a root-controlled folder.
pallet_converge_attributes() {
  pallet_set_attributes "$1" "$2" "$3" "$4" --dry-run
  if [[ -n $PALLET_ATTR_DIFF ]]; then
    pallet_changed
    if pallet_checking; then pallet_emit "diff $1: ${PALLET_ATTR_DIFF}would change"; return 0; fi
    pallet_set_attributes "$1" "$2" "$3" "$4"
  fi
}
