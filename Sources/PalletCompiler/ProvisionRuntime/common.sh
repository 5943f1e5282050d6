# ---------------------------------------------------------------------------
# The rest of this script is the same for every project.

export LC_ALL=C LANG=C
# A failure inside $(...) ends the script there, also in a function that itself runs inside
# $(...): without this, bash clears -e in command substitutions, and a failing
# `VBoxManage list vms` read as "no VMs" (destroy would report nothing to do and exit 0).
shopt -s inherit_errexit
VBM=${VBOXMANAGE:-VBoxManage}
NS=pallet

say() { printf 'provision %s: %s\n' "$WHO" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# vbm_call OUT ARGS...: VBoxManage with its output on OUT (1 or 2), retried while VirtualBox
# reports a session lock; on failure the command and VirtualBox's message end the script.
vbm_call() {
  local out=$1 attempt err status
  shift
  err=$(mktemp)
  for attempt in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    status=0
    if ((out == 1)); then "$VBM" "$@" 2>"$err" || status=$?; else "$VBM" "$@" 2>"$err" >&2 || status=$?; fi
    if ((status == 0)); then rm -f -- "$err"; return 0; fi
    if grep -qE 'is locked|already locked|VBOX_E_INVALID_OBJECT_STATE' "$err" && ((attempt < 20)); then
      sleep 0.5
      continue
    fi
    break
  done
  say "error: VBoxManage$(printf ' %q' "$@") failed (exit $status):"
  sed 's/^/  /' -- "$err" >&2
  rm -f -- "$err"
  exit 1
}

# vbm ARGS...: a VBoxManage call that changes something; its output goes to stderr, so that
# stdout carries only what the subcommands print.
vbm() { vbm_call 2 "$@"; }

# vbm_read ARGS...: a VBoxManage call that only reads; its output is the function's.
vbm_read() { vbm_call 1 "$@"; }

# Call these as NAME=$(...) only: a failure inside $(...) ends the script there.
value() { sed -n 's/^Value: //p'; }

extradata() {
  local out
  out=$(vbm_read getextradata "$1" "$NS/$2")
  value <<<"$out"
}

vm_info() { vbm_read showvminfo "$1" --machinereadable; }

# info_prop INFO KEY: the value of KEY in showvminfo's machine-readable INFO (keys may be quoted).
info_prop() {
  awk -v k="$2" '{
    i = index($0, "="); n = substr($0, 1, i - 1); v = substr($0, i + 1)
    gsub(/"/, "", n); if (n == k) { gsub(/^"|"$/, "", v); print v } }' <<<"$1"
}

vm_prop() {
  local info
  info=$(vm_info "$1")
  info_prop "$info" "$2"
}

# all_vms: "UUID NAME" of every registered VM, one per line.
all_vms() {
  local out
  out=$(vbm_read list vms)
  sed -n 's/^"\(.*\)" {\([0-9a-fA-F-]*\)}$/\2 \1/p' <<<"$out"
}

# identity UUID: "PROJECT SERVICE GROUP INDEX READY" from the VM's extradata ("-" when unset);
# only a VM of this project costs more than one read.
identity() {
  local project service group index ready
  project=$(extradata "$1" project)
  if [[ $project != "$PROJECT" ]]; then printf '%s - - - -\n' "${project:--}"; return 0; fi
  service=$(extradata "$1" service)
  group=$(extradata "$1" group)
  index=$(extradata "$1" index)
  ready=$(extradata "$1" ready)
  printf '%s %s %s %s %s\n' "$project" "${service:--}" "${group:--}" "${index:--}" "${ready:--}"
}

# destroy_vm UUID NAME: power off and delete a VM of this project with the one disk pallet made
# for it. Refused when anything else is attached: only media pallet created are ever deleted,
# and never a base disk (unregistervm --delete keeps media other VMs use, such as the base).
destroy_vm() {
  local uuid=$1 name=$2 info disk state medium parent
  info=$(vm_info "$uuid")
  disk=$(extradata "$uuid" disk)
  while IFS= read -r medium; do
    [[ -n $medium && $medium != none ]] || continue
    [[ $medium == "$disk" ]] || die "$name has a medium pallet did not attach ($medium): detach it first; $name was left as it is"
  done < <(awk -F= '$1 ~ /-ImageUUID-/ { gsub(/"/, "", $2); print $2 }' <<<"$info")
  if [[ -n $disk ]]; then
    medium=$(vbm_read showmediuminfo disk "$disk")
    parent=$(sed -n 's/^Parent UUID: *//p' <<<"$medium")
    [[ -n $parent && $parent != base ]] || die "the disk $disk of $name is not a differencing image pallet made: refusing to delete it; $name was left as it is"
  fi
  state=$(info_prop "$info" VMState)
  case $state in
    running | paused | gurumeditation | stuck | starting | restoring) vbm controlvm "$uuid" poweroff ;;
  esac
  say "destroying $name (its own disk only; the base disk stays)"
  vbm unregistervm "$uuid" --delete
}

