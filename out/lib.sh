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

# Facts. run.sh calls pallet_prefetch once, after the node lock is taken, with the literal
# paths and account names its steps look at. One stat, one sha256sum and one getent per kind
# answer what every step would otherwise ask with its own processes. The facts are trusted only
# until a step changes something on the node (anything may have moved then): from there on,
# every check asks the node directly again. Check mode changes nothing, so they stay valid.
declare -A PALLET_MANIFEST_SUM=() PALLET_FACT_ASKED=() PALLET_FACT_STAT=() PALLET_FACT_SUM=()
declare -A PALLET_FACT_ACCOUNT=()
PALLET_FACTS=0
PALLET_LOOKUP=''
PALLET_ATTR_DIFF=''

# pallet_prefetch [--path P]... [--user U]... [--group G]...: read the facts.
pallet_prefetch() {
  local -a paths=() users=() groups=() regular=()
  while (($#)); do
    case $1 in
      --path) paths+=("$2"); PALLET_FACT_ASKED[$2]=1 ;;
      # A numeric id would be looked up as an id, not a name: never asked here.
      --user) if [[ ! $2 =~ ^[0-9]+$ ]]; then users+=("$2"); PALLET_FACT_ASKED[passwd:$2]=1; fi ;;
      --group) if [[ ! $2 =~ ^[0-9]+$ ]]; then groups+=("$2"); PALLET_FACT_ASKED[group:$2]=1; fi ;;
      *) pallet_fail "internal: pallet_prefetch: unknown option '$1'" ;;
    esac
    shift 2
  done
  # Each reader is one process writing to a file in the bundle's private folder: bash reads a
  # file in blocks, where it reads a pipe one byte at a time. A failing reader (a missing path)
  # only shortens its answer.
  local answer=$PALLET_BUNDLE_DIR/.facts i folder
  local -a fields=()
  # The folders above each path too: pallet_path_context decides from them who may act there.
  for i in "${paths[@]}"; do
    pallet_folders "$i"
    for folder in "${PALLET_PARTS[@]}"; do
      if [[ -z ${PALLET_FACT_ASKED[$folder]:-} ]]; then paths+=("$folder"); PALLET_FACT_ASKED[$folder]=1; fi
    done
  done
  if ((${#paths[@]})); then
    # NAME, then KIND:USER:UID:GROUP:GID:MODE:LINKS (no field holds a ':'); missing paths are simply
    # absent from the answer.
    stat --printf '%n\0%F:%U:%u:%G:%g:%a:%h\0' -- "${paths[@]}" >"$answer" 2>/dev/null || true
    mapfile -t -d '' fields <"$answer"
    for ((i = 0; i + 1 < ${#fields[@]}; i += 2)); do
      PALLET_FACT_STAT[${fields[i]}]=${fields[i + 1]}
    done
  fi
  PALLET_FACTS=1
  # Digests only of files root may read without following anything a user controls (a FIFO
  # there could not be read, a link would be followed).
  for i in "${!PALLET_FACT_STAT[@]}"; do
    case ${PALLET_FACT_STAT[$i]} in
      'regular file:'* | 'regular empty file:'*)
        if pallet_path_context "$i" && [[ -z $PALLET_CTX_USER && $PALLET_CTX_PATH == "$i" ]]; then regular+=("$i"); fi
        ;;
    esac
  done
  if ((${#regular[@]})); then
    # "DIGEST  NAME" (or " *NAME"), NUL-terminated, names unescaped with -z.
    sha256sum -z -- "${regular[@]}" >"$answer" 2>/dev/null || true
    mapfile -t -d '' fields <"$answer"
    for i in "${fields[@]}"; do PALLET_FACT_SUM[${i:66}]=${i:0:64}; done
  fi
  if ((${#users[@]})); then
    getent passwd -- "${users[@]}" >"$answer" || true
    mapfile -t fields <"$answer"
    for i in "${fields[@]}"; do PALLET_FACT_ACCOUNT[passwd:${i%%:*}]=$i; done
  fi
  if ((${#groups[@]})); then
    getent group -- "${groups[@]}" >"$answer" || true
    mapfile -t fields <"$answer"
    for i in "${fields[@]}"; do PALLET_FACT_ACCOUNT[group:${i%%:*}]=$i; done
  fi
  # Emptied, not removed (that would take a process): the folder goes when the run ends.
  : >"$answer"
  PALLET_FACTS=1
}

# pallet_facts_stale: a step changed the node; stop trusting the facts read before.
pallet_facts_stale() {
  PALLET_FACTS=0
  PALLET_LINK_CACHE=()
}

# pallet_lookup passwd|group NAME: the account's getent line in PALLET_LOOKUP (empty when none).
pallet_lookup() {
  if ((PALLET_FACTS)) && [[ -n ${PALLET_FACT_ASKED[$1:$2]:-} ]]; then
    PALLET_LOOKUP=${PALLET_FACT_ACCOUNT[$1:$2]:-}
    return 0
  fi
  PALLET_LOOKUP=$(getent "$1" -- "$2" || true)
}

# pallet_same_content DESIRED PATH: true when the regular file PATH holds DESIRED's bytes. A
# bundle file is compared by its MANIFEST digest with the prefetched digest of PATH.
pallet_same_content() {
  local desired=$1 path=$2
  if ((PALLET_FACTS)) && [[ -n ${PALLET_FACT_ASKED[$path]:-} ]]; then
    local want=${PALLET_MANIFEST_SUM[${desired#"$PALLET_BUNDLE_DIR/"}]:-} have=${PALLET_FACT_SUM[$path]:-}
    if [[ -n $want && -n $have ]]; then [[ $want == "$have" ]]; return; fi
  fi
  cmp -s -- "$desired" "$path"
}

# pallet_attributes PATH: "KIND:USER:UID:GROUP:GID:MODE:LINKS" of PATH (not following a link) in
# PALLET_LOOKUP.
pallet_attributes() {
  if ((PALLET_FACTS)) && [[ -n ${PALLET_FACT_ASKED[$1]:-} && -n ${PALLET_FACT_STAT[$1]:-} ]]; then
    PALLET_LOOKUP=${PALLET_FACT_STAT[$1]}
    return 0
  fi
  PALLET_LOOKUP=$(stat --printf '%F:%U:%u:%G:%g:%a:%h' -- "$1")
}

# pallet_exec [--interpreter CMD] [--creates PATH] [--unless CMD] [--only-if CMD]
#             [--env NAME VALUE] [--env-secret NAME ID] [--render] <<< SCRIPT
# Runs the script unless a guard says it is not needed; reports changed when it runs.
pallet_exec() {
  local interpreter=bash creates='' unless='' only_if='' render=0 script file status
  local -a env_names=() env_values=() secret_names=() secret_ids=()
  while (($#)); do
    case $1 in
      --interpreter) interpreter=$2; shift 2 ;;
      --creates) creates=$2; shift 2 ;;
      --unless) unless=$2; shift 2 ;;
      --only-if) only_if=$2; shift 2 ;;
      --env) env_names+=("$2"); env_values+=("$3"); shift 3 ;;
      --env-secret) secret_names+=("$2"); secret_ids+=("$3"); shift 3 ;;
      --render) render=1; shift ;;
      *) pallet_fail "exec: unknown option '$1'" ;;
    esac
  done
  script=$(cat && printf x)
  script=${script%x}
  local -a reasons=()
  local i
  if [[ -n $creates ]]; then
    if [[ -e $creates || -L $creates ]]; then return 0; fi
    reasons+=("$creates does not exist")
  fi
  # Check mode runs no command of the spec: a guard is not evaluated, so neither is the step.
  if pallet_checking && [[ -n $unless$only_if ]]; then
    PALLET_STATUS=unknown
    local guard=unless
    if [[ -z $unless ]]; then guard=only-if; fi
    pallet_emit "diff exec not evaluated: check mode does not run its $guard command${reasons[0]:+ (${reasons[0]})}"
    return 0
  fi
  # Guards see the script's environment too, secrets included (never on a command line).
  for i in "${!secret_ids[@]}"; do
    pallet_require_secret "${secret_ids[$i]}"
    secret_ids[i]=$PALLET_SECRETS_DIR/${secret_ids[$i]}
  done
  local -a guard_env=()
  for i in "${!env_names[@]}"; do guard_env+=("${env_names[$i]}=${env_values[$i]}"); done
  for i in "${!secret_names[@]}"; do
    pallet_load_file "${secret_ids[$i]}"
    guard_env+=("${secret_names[$i]}=$PALLET_VALUE")
  done
  if [[ -n $unless ]]; then
    if pallet_guard_env "$unless" "${guard_env[@]}"; then return 0; fi
    reasons+=("the unless command failed")
  fi
  if [[ -n $only_if ]]; then
    if ! pallet_guard_env "$only_if" "${guard_env[@]}"; then return 0; fi
    reasons+=("the only-if command succeeded")
  fi
  pallet_changed
  if pallet_checking; then
    if ((${#reasons[@]})); then
      local why='' reason
      for reason in "${reasons[@]}"; do why+="${why:+; }$reason"; done
      pallet_emit "diff exec would run: $why"
    else
      pallet_emit "diff exec would run (it has no creates, unless or only-if guard)"
    fi
    return 0
  fi
  if ((render)); then script=$(pallet_render "$script" && printf x); script=${script%x}; fi
  pallet_work_file
  file=$PALLET_WORK_FILE
  printf '%s' "$script" >"$file"
  status=0
  (
    for i in "${!env_names[@]}"; do export "${env_names[$i]}=${env_values[$i]}"; done
    for i in "${!secret_names[@]}"; do
      pallet_load_file "${secret_ids[$i]}"
      export "${secret_names[$i]}=$PALLET_VALUE"
    done
    # Not the protocol (fd 3) nor the node lock (fd 9): a daemon the script starts must not
    # hold them open after the run.
    exec "$interpreter" "$file" </dev/null >&2 3>&- 9>&-
  ) || status=$?
  rm -f -- "$file"
  if ((status != 0)); then
    pallet_fail "exec: the script exited with status $status"
  fi
}

# pallet_guard_env COMMAND [NAME=VALUE]...: run a guard command with the given variables exported.
pallet_guard_env() {
  local command=$1 pair
  shift
  (
    for pair in "$@"; do export "${pair?}"; done
    bash -c "$command" </dev/null >&2 3>&- 9>&-
  )
}

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

# pallet_service --name NAME [--state started|stopped|restarted|reloaded] [--enabled true|false]
# Uses systemctl where systemd runs, otherwise the service command (and update-rc.d).
pallet_service() {
  local name='' state='' enabled=''
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --state) state=$2; shift 2 ;;
      --enabled) enabled=$2; shift 2 ;;
      *) pallet_fail "service: unknown option '$1'" ;;
    esac
  done
  local systemd=0
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then systemd=1; fi
  if ((!systemd)) && [[ ! -x /etc/init.d/$name ]] && ! command -v service >/dev/null; then
    pallet_fail "service: no systemd and no service command on this node"
  fi
  if [[ -n $enabled ]]; then
    local now=false
    if ((systemd)); then
      if systemctl -q is-enabled -- "$name" 2>/dev/null; then now=true; fi
    elif compgen -G "/etc/rc[2345].d/S[0-9][0-9]$name" >/dev/null; then
      now=true
    fi
    if [[ $now != "$enabled" ]]; then
      pallet_changed
      if pallet_checking; then
        pallet_emit "diff service $name would be $([[ $enabled == true ]] && echo enabled || echo disabled) at boot"
      elif ((systemd)); then
        systemctl -q "$([[ $enabled == true ]] && echo enable || echo disable)" -- "$name" >&2
      elif command -v update-rc.d >/dev/null; then
        update-rc.d "$name" defaults >&2
        update-rc.d "$name" "$([[ $enabled == true ]] && echo enable || echo disable)" >&2
      elif command -v chkconfig >/dev/null; then
        chkconfig "$name" "$([[ $enabled == true ]] && echo on || echo off)" >&2
      else
        pallet_fail "service: cannot change whether $name starts at boot on this node"
      fi
    fi
  fi
  [[ -n $state ]] || return 0
  local running=false
  if ((systemd)); then
    if systemctl -q is-active -- "$name"; then running=true; fi
  elif service "$name" status >/dev/null 2>&1; then
    running=true
  fi
  local action=''
  case $state in
    started) if [[ $running == false ]]; then action=start; fi ;;
    stopped) if [[ $running == true ]]; then action=stop; fi ;;
    restarted) action=restart ;;
    reloaded) if [[ $running == true ]]; then action=reload; else action=start; fi ;;
  esac
  [[ -n $action ]] || return 0
  pallet_changed
  if pallet_checking; then pallet_emit "diff service $name would $action"; return 0; fi
  # The daemon must not inherit the protocol (fd 3) or the node lock (fd 9): it would keep
  # the run's output open, and the lock held, for as long as it lives.
  if ((systemd)); then
    systemctl "$action" -- "$name" >&2 3>&- 9>&-
  else
    service "$name" "$action" </dev/null >&2 3>&- 9>&-
  fi
}

# pallet_sysctl --name NAME --value VALUE: set a kernel parameter now and in
# /etc/sysctl.d/60-pallet-NAME.conf for the next boot.
pallet_sysctl() {
  local name='' value=''
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --value) value=$2; shift 2 ;;
      *) pallet_fail "sysctl: unknown option '$1'" ;;
    esac
  done
  local desired file="/etc/sysctl.d/60-pallet-${name//\//.}.conf" live
  pallet_work_file
  desired=$PALLET_WORK_FILE
  printf '%s = %s\n' "$name" "$value" >"$desired"
  if [[ ! -d /etc/sysctl.d ]] && ! pallet_checking; then install -d -m 0755 /etc/sysctl.d; fi
  pallet_converge_file "$desired" "$file" --mode 0644
  live=$(sysctl -n -- "$name" 2>/dev/null) || pallet_fail "sysctl: the kernel has no parameter '$name'"
  live=${live//$'\t'/ }
  if [[ $live != "$value" ]]; then
    pallet_changed
    if pallet_checking; then pallet_emit "diff sysctl $name: $live -> $value"; return 0; fi
    sysctl -q -w -- "$name=$value" >&2
  fi
}

# pallet_cron --name NAME --schedule 'M H DOM MON DOW' --command CMD [--user USER]
#             [--state present|absent]: a job in /etc/cron.d/pallet-NAME.
pallet_cron() {
  local name='' schedule='' command='' user=root state=present
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --schedule) schedule=$2; shift 2 ;;
      --command) command=$2; shift 2 ;;
      --user) user=$2; shift 2 ;;
      --state) state=$2; shift 2 ;;
      *) pallet_fail "cron: unknown option '$1'" ;;
    esac
  done
  local file="/etc/cron.d/pallet-${name//./-}" desired
  if [[ $state == absent ]]; then
    pallet_remove_file "$file"
    return 0
  fi
  pallet_work_file
  desired=$PALLET_WORK_FILE
  {
    printf '# Managed by pallet: cron job %s\n' "$name"
    printf 'SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n'
    printf '%s %s %s\n' "$schedule" "$user" "$command"
  } >"$desired"
  if [[ ! -d /etc/cron.d ]] && ! pallet_checking; then install -d -m 0755 /etc/cron.d; fi
  pallet_converge_file "$desired" "$file" --owner root --group root --mode 0644
}
