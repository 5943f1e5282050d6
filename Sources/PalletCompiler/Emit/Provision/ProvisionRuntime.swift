/// The body of every provisioning script: VBoxManage helpers and the `converge`, `create`,
/// `destroy`, `list`, `address` and `status` subcommands. The header before it sets the group's
/// values.
enum ProvisionRuntime {
    /// The bash source.
    static let source = #"""
# ---------------------------------------------------------------------------
# The rest of this script is the same for every group.

export LC_ALL=C LANG=C
VBM=${VBOXMANAGE:-VBoxManage}
IP_TIMEOUT=${PALLET_IP_TIMEOUT:-300}
NS=pallet

say() { printf 'provision %s: %s\n' "$GROUP" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# vbm ARGS...: VBoxManage, retried while VirtualBox reports a lock race.
# Its output goes to stderr: stdout carries only what the subcommands print.
vbm() {
  local attempt err status
  err=$(mktemp)
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    status=0
    "$VBM" "$@" 2>"$err" >&2 || status=$?
    if ((status == 0)); then rm -f -- "$err"; return 0; fi
    if grep -qE 'is locked|already locked|VBOX_E_INVALID_OBJECT_STATE' "$err" && ((attempt < 10)); then
      sleep 0.5
      continue
    fi
    cat -- "$err" >&2
    rm -f -- "$err"
    return "$status"
  done
}

value() { sed -n 's/^Value: //p'; }

vm_name() { printf '%s-%s' "$GROUP" "$1"; }

vm_exists() {
  "$VBM" list vms | grep -F -- "\"$1\" {" >/dev/null
}

vm_prop() {
  "$VBM" showvminfo "$1" --machinereadable | awk -v k="$2" '{
    i = index($0, "="); n = substr($0, 1, i - 1); v = substr($0, i + 1)
    gsub(/"/, "", n); if (n == k) { gsub(/^"|"$/, "", v); print v } }'
}

extradata() { "$VBM" getextradata "$1" "$NS/$2" | value; }

vbox_at_least() {
  printf '%s\n%s\n' "$1" "$("$VBM" --version | sed 's/[^0-9.].*//')" | sort -V -C
}

# ensure_base: make the image's disk multiattach before its first attach, once, under a lock.
ensure_base() {
  [[ -f $BASE_DISK ]] || die "the image disk $BASE_DISK does not exist"
  mkdir -p -- "$NODE_PATH"
  (
    flock 9
    local type
    type=$("$VBM" showmediuminfo disk "$BASE_DISK" 2>/dev/null | sed -n 's/^Type: *//p' | cut -d' ' -f1)
    if [[ $type != multiattach ]]; then
      say "making $BASE_DISK multiattach"
      vbm modifymedium disk "$BASE_DISK" --type multiattach
    fi
  ) 9>"$NODE_PATH/.pallet-base.lock"
}

# ours NAME: whether a VM belongs to this group of this service.
ours() {
  [[ $(extradata "$1" service) == "$SERVICE" && $(extradata "$1" group) == "$GROUP" ]]
}

# indexes: the index of every VM of the group, one per line, with its ready flag.
indexes() {
  local name
  "$VBM" list vms | sed -n 's/^"\(.*\)" {.*}$/\1/p' | while IFS= read -r name; do
    if ours "$name"; then
      printf '%s %s\n' "$(extradata "$name" index)" "$(extradata "$name" ready)"
    fi
  done | sort -n
}

create() {
  local index=$1 vm
  vm=$(vm_name "$index")
  if vm_exists "$vm"; then
    if [[ $(extradata "$vm" ready) == 1 ]]; then start "$index"; return 0; fi
    say "$vm was left half-built; rebuilding it"
    destroy "$index"
  fi
  ensure_base
  say "creating $vm"
  vbm createvm --name "$vm" --ostype "$OS_TYPE" --groups "/$NS/$GROUP" --basefolder "$NODE_PATH" --register >&2
  local -a hardware=(--memory "$MEMORY" --cpus "$CPUS" --vram "$VRAM" --rtcuseutc on --boot1 disk --boot2 none --boot3 none --boot4 none)
  if ((CPUS > 1)); then hardware+=(--ioapic on); fi
  vbm modifyvm "$vm" "${hardware[@]}"
  if vbox_at_least 6.1; then vbm modifyvm "$vm" --clipboard-mode disabled; else vbm modifyvm "$vm" --clipboard disabled; fi
  vbm modifyvm "$vm" "${NIC_OPTIONS[@]}"
  local forward
  for forward in "${NAT_FORWARDS[@]}"; do
    vbm modifyvm "$vm" --natpf"${forward%%=*}" "$(forward_rule "${forward#*=}" "$index")"
  done
  vbm storagectl "$vm" --name SATA --add sata --controller IntelAhci --portcount 1 --bootable on
  vbm storageattach "$vm" --storagectl SATA --port 0 --device 0 --type hdd --medium "$BASE_DISK"
  if [[ $(vm_prop "$vm" SATA-0-0) == "$BASE_DISK" ]]; then
    die "$BASE_DISK is attached to $vm directly, not as multiattach: refusing to go on (destroying $vm would delete it)"
  fi
  vbm setextradata "$vm" "$NS/service" "$SERVICE"
  vbm setextradata "$vm" "$NS/group" "$GROUP"
  vbm setextradata "$vm" "$NS/index" "$index"
  vbm setextradata "$vm" "$NS/ready" 1
  start "$index"
}

# forward_rule 'name,proto,host-port,guest-port' INDEX: a natpf rule; a host port written as
# BASE+ gets the node's index added, so every node of the group has its own.
forward_rule() {
  local name proto host guest
  IFS=, read -r name proto host guest <<<"$1"
  if [[ $host == *+ ]]; then host=$((${host%+} + $2)); fi
  printf '%s,%s,127.0.0.1,%s,,%s' "$name" "$proto" "$host" "$guest"
}

start() {
  local vm
  vm=$(vm_name "$1")
  [[ $(vm_prop "$vm" VMState) == running ]] && return 0
  local slot
  for slot in 0 1 2 3 4 5 6 7; do
    "$VBM" guestproperty unset "$vm" "/VirtualBox/GuestInfo/Net/$slot/V4/IP" >/dev/null 2>&1 || true
  done
  vbm startvm "$vm" --type headless >&2
}

destroy() {
  local vm
  vm=$(vm_name "$1")
  vm_exists "$vm" || return 0
  case $(vm_prop "$vm" VMState) in
    running | paused | gurumeditation | stuck) vbm controlvm "$vm" poweroff >&2 || true ;;
  esac
  say "destroying $vm (the base disk stays)"
  vbm unregistervm "$vm" --delete >&2
}

# address INDEX: "IP PORT" of the node's ssh, waiting for the guest to report its IP on the
# adapter whose MAC matches.
address() {
  local vm mac slot found ip end
  vm=$(vm_name "$1")
  if [[ -n $SSH_FORWARD ]]; then
    printf '127.0.0.1 %s\n' "$(( ${SSH_FORWARD%+} + $1 ))"
    return 0
  fi
  mac=$(vm_prop "$vm" "macaddress$SSH_NIC")
  end=$(($(date +%s) + IP_TIMEOUT))
  while (($(date +%s) < end)); do
    for slot in 0 1 2 3 4 5 6 7; do
      found=$("$VBM" guestproperty get "$vm" "/VirtualBox/GuestInfo/Net/$slot/MAC" | value | tr -d : | tr a-f A-F) || true
      [[ -n $found && $found == "$mac" ]] || continue
      ip=$("$VBM" guestproperty get "$vm" "/VirtualBox/GuestInfo/Net/$slot/V4/IP" | value) || true
      case $ip in
        '' | 0.0.0.0) ;;
        *) printf '%s 22\n' "$ip"; return 0 ;;
      esac
    done
    "$VBM" guestproperty wait "$vm" '/VirtualBox/GuestInfo/Net/*' --timeout 2000 >/dev/null 2>&1 || true
  done
  die "$vm reported no IP address on its adapter $SSH_NIC within ${IP_TIMEOUT}s (are the Guest Additions installed, and DHCP on every adapter?)"
}

list() {
  local index ready
  while read -r index ready; do
    printf '%s %s %s\n' "$(vm_name "$index")" "$index" "$([[ $ready == 1 ]] && echo ready || echo half-built)"
  done < <(indexes)
}

status() {
  local index ready vm
  while read -r index ready; do
    vm=$(vm_name "$index")
    printf '%s %s %s\n' "$vm" "$(vm_prop "$vm" VMState)" "$([[ $ready == 1 ]] && echo ready || echo half-built)"
  done < <(indexes)
}

# converge COUNT: create the missing indexes 1..COUNT (filling gaps), rebuild half-built ones,
# destroy indexes above COUNT (highest first), then print "node NAME INDEX ADDRESS PORT NEW"
# for every node of the group.
converge() {
  local want=$1 index ready
  local -a present=() created=()
  while read -r index ready; do
    if ((index > want)); then continue; fi
    if [[ $ready == 1 ]]; then present+=("$index"); fi
  done < <(indexes)
  while read -r index ready; do
    if ((index > want)); then destroy "$index"; fi
  done < <(indexes | sort -rn)
  for ((index = 1; index <= want; index++)); do
    if [[ " ${present[*]} " != *" $index "* ]]; then
      create "$index"
      created+=("$index")
    else
      start "$index"
    fi
  done
  for ((index = 1; index <= want; index++)); do
    local new=0 where
    if [[ " ${created[*]} " == *" $index "* ]]; then new=1; fi
    where=$(address "$index")
    printf 'node %s %s %s %s\n' "$(vm_name "$index")" "$index" "$where" "$new"
  done
}

usage() {
  cat >&2 <<USAGE
usage: $0 converge COUNT | create INDEX | destroy INDEX | list | address INDEX | status
VirtualBox nodes of group '$GROUP' (service '$SERVICE'); set VBOXMANAGE to use another VBoxManage.
USAGE
  exit 2
}

number() { [[ ${1:-} =~ ^[0-9]+$ ]] || usage; }

case ${1:-} in
  converge) number "${2:-}"; converge "$2" ;;
  create) number "${2:-}"; create "$2"; address "$2" ;;
  destroy) number "${2:-}"; destroy "$2" ;;
  list) list ;;
  address) number "${2:-}"; address "$2" ;;
  status) status ;;
  *) usage ;;
esac
"""#
}
