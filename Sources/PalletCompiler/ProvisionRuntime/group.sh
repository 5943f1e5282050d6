IP_TIMEOUT=${PALLET_IP_TIMEOUT:-300}

vm_name() { printf '%s-%s-%s' "$PROJECT" "$GROUP" "$1"; }
node_name() { printf '%s-%s' "$GROUP" "$1"; }

# scan [COUNT]: fill OURS (index -> UUID) and READY (index -> 1) with this group's VMs. A VM
# that is not ours but carries the name of node 1..COUNT stops the group before any change.
declare -A OURS=() READY=()
scan() {
  local want=${1:-0} vms uuid name id project service group index ready
  OURS=() READY=()
  vms=$(all_vms)
  while read -r uuid name; do
    [[ -n $uuid ]] || continue
    id=$(identity "$uuid")
    read -r project service group index ready <<<"$id"
    if [[ $project == "$PROJECT" && $service == "$SERVICE" && $group == "$GROUP" && $index =~ ^[1-9][0-9]*$ ]]; then
      [[ -z ${OURS[$index]:-} ]] || die "two VMs claim to be $(node_name "$index"): {${OURS[$index]}} and {$uuid}; remove one by hand"
      OURS[$index]=$uuid
      if [[ $ready == 1 ]]; then READY[$index]=1; fi
    elif [[ $name =~ ^"$PROJECT-$GROUP-"([1-9][0-9]*)$ ]] && ((BASH_REMATCH[1] <= want)); then
      local owner="it carries no pallet project"
      if [[ $project != - ]]; then owner="it belongs to project '$project'"; fi
      die "the VM '$name' {$uuid} has the name of node $(node_name "${BASH_REMATCH[1]}") but is not this project's ($owner); pallet never touches it: rename or remove it, or change 'project' in the specs"
    fi
  done <<<"$vms"
}

# indexes_desc: this group's indexes, highest first (after scan).
indexes_desc() { if ((${#OURS[@]})); then printf '%s\n' "${!OURS[@]}" | sort -rn; fi; }
# indexes_asc: the same, lowest first.
indexes_asc() { if ((${#OURS[@]})); then printf '%s\n' "${!OURS[@]}" | sort -n; fi; }

# ensure_base: make the image's disk multiattach before its first attach, once, under a lock.
ensure_base() {
  [[ -f $BASE_DISK ]] || die "the image disk $BASE_DISK does not exist"
  mkdir -p -- "$NODE_PATH"
  (
    flock 9
    local info type
    info=$(vbm_read showmediuminfo disk "$BASE_DISK")
    type=$(sed -n 's/^Type: *//p' <<<"$info" | cut -d' ' -f1)
    if [[ $type != multiattach ]]; then
      say "making $BASE_DISK multiattach"
      vbm modifymedium disk "$BASE_DISK" --type multiattach
    fi
  ) 9>"$NODE_PATH/.pallet-base.lock"
}

# bridge_interface: the first bridgeable host interface that is up.
bridge_interface() {
  local out chosen
  out=$(vbm_read list bridgedifs)
  chosen=$(awk '/^Name:/ { sub(/^Name: */, ""); name = $0 } /^Status:/ && $2 == "Up" && !found { print name; found = 1 }' <<<"$out")
  if [[ -z $chosen ]]; then
    die "no bridgeable host interface is up; name one with 'bridged-interface' in the service. Interfaces: $(awk '/^Name:/ { sub(/^Name: */, ""); n = $0 } /^Status:/ { printf "%s%s (%s)", sep, n, $2; sep = ", " }' <<<"$out")"
  fi
  printf '%s' "$chosen"
}

# forward_rule 'name,proto,host-port,guest-port' INDEX: a natpf rule; a host port written as
# BASE+ gets the node's index added, so every node of the group has its own.
forward_rule() {
  local name proto host guest
  IFS=, read -r name proto host guest <<<"$1"
  if [[ $host == *+ ]]; then host=$((${host%+} + $2)); fi
  printf '%s,%s,127.0.0.1,%s,,%s' "$name" "$proto" "$host" "$guest"
}

# create INDEX: a new VM; its identity is recorded right after it is registered, before any
# step that can fail, and "ready" last.
create() {
  local index=$1 vm out uuid version slot interface forward base_info base_uuid attached
  vm=$(vm_name "$index")
  ensure_base
  # Chosen before the VM exists: no interface up leaves nothing half-built behind.
  if ((${#BRIDGE_AUTO[@]})); then interface=$(bridge_interface); fi
  say "creating $vm"
  out=$(vbm_read createvm --name "$vm" --ostype "$OS_TYPE" --groups "/$NS/$PROJECT/$GROUP" --basefolder "$NODE_PATH" --register)
  uuid=$(sed -n 's/^UUID: *//p' <<<"$out")
  [[ $uuid =~ ^[0-9a-fA-F-]{36}$ ]] || die "VBoxManage createvm printed no UUID for $vm: $out"
  if ! ("$VBM" setextradata "$uuid" "$NS/project" "$PROJECT" >&2); then
    "$VBM" unregistervm "$uuid" --delete >&2 || true
    die "could not record the project on the new VM $vm {$uuid}; it was removed again"
  fi
  vbm setextradata "$uuid" "$NS/service" "$SERVICE"
  vbm setextradata "$uuid" "$NS/group" "$GROUP"
  vbm setextradata "$uuid" "$NS/index" "$index"
  local -a hardware=(--memory "$MEMORY" --cpus "$CPUS" --vram "$VRAM" --rtcuseutc on --boot1 disk --boot2 none --boot3 none --boot4 none)
  if ((CPUS > 1)); then hardware+=(--ioapic on); fi
  vbm modifyvm "$uuid" "${hardware[@]}"
  version=$(vbm_read --version)
  if version_at_least 6.1 "$version"; then vbm modifyvm "$uuid" --clipboard-mode disabled; else vbm modifyvm "$uuid" --clipboard disabled; fi
  vbm modifyvm "$uuid" "${NIC_OPTIONS[@]}"
  if ((${#BRIDGE_AUTO[@]})); then
    for slot in "${BRIDGE_AUTO[@]}"; do
      say "bridging adapter $slot of $vm to '$interface'"
      vbm modifyvm "$uuid" --bridgeadapter"$slot" "$interface"
    done
  fi
  for forward in "${NAT_FORWARDS[@]}"; do
    vbm modifyvm "$uuid" --natpf"${forward%%=*}" "$(forward_rule "${forward#*=}" "$index")"
  done
  vbm storagectl "$uuid" --name SATA --add sata --controller IntelAhci --portcount 1 --bootable on
  vbm storageattach "$uuid" --storagectl SATA --port 0 --device 0 --type hdd --medium "$BASE_DISK"
  base_info=$(vbm_read showmediuminfo disk "$BASE_DISK")
  base_uuid=$(sed -n 's/^UUID: *//p' <<<"$base_info")
  attached=$(vm_prop "$uuid" SATA-ImageUUID-0-0)
  if [[ -z $attached || $attached == "$base_uuid" ]]; then
    die "$BASE_DISK is attached to $vm directly, not as multiattach: refusing to go on (destroying $vm would delete it)"
  fi
  vbm setextradata "$uuid" "$NS/disk" "$attached"
  vbm setextradata "$uuid" "$NS/ready" 1
  OURS[$index]=$uuid
  READY[$index]=1
  start "$uuid"
}

# version_at_least MINIMUM VERSION: whether VirtualBox VERSION (as --version prints it) is MINIMUM or later.
version_at_least() { printf '%s\n%s\n' "$1" "${2%%[!0-9.]*}" | sort -V -C; }

start() {
  local uuid=$1 state slot
  state=$(vm_prop "$uuid" VMState)
  [[ $state != running ]] || return 0
  for slot in 0 1 2 3 4 5 6 7; do
    "$VBM" guestproperty unset "$uuid" "/VirtualBox/GuestInfo/Net/$slot/V4/IP" >/dev/null 2>&1 || true
  done
  vbm startvm "$uuid" --type headless
}

# address INDEX: "IP PORT" of the node's ssh, waiting for the guest to report its IP on the
# adapter whose MAC matches.
address() {
  local uuid=${OURS[$1]} mac slot found ip end
  if [[ -n $SSH_FORWARD ]]; then
    printf '127.0.0.1 %s\n' "$(( ${SSH_FORWARD%+} + $1 ))"
    return 0
  fi
  mac=$(vm_prop "$uuid" "macaddress$SSH_NIC")
  end=$(($(date +%s) + IP_TIMEOUT))
  while (($(date +%s) < end)); do
    for slot in 0 1 2 3 4 5 6 7; do
      found=$("$VBM" guestproperty get "$uuid" "/VirtualBox/GuestInfo/Net/$slot/MAC" | value | tr -d : | tr a-f A-F) || true
      [[ -n $found && $found == "$mac" ]] || continue
      ip=$("$VBM" guestproperty get "$uuid" "/VirtualBox/GuestInfo/Net/$slot/V4/IP" | value) || true
      case $ip in
        '' | 0.0.0.0) ;;
        *) printf '%s 22\n' "$ip"; return 0 ;;
      esac
    done
    "$VBM" guestproperty wait "$uuid" '/VirtualBox/GuestInfo/Net/*' --timeout 2000 >/dev/null 2>&1 || true
  done
  die "$(vm_name "$1") reported no IP address on its adapter $SSH_NIC within ${IP_TIMEOUT}s (are the Guest Additions installed, and DHCP on every adapter?)"
}

# plan COUNT: what converge COUNT would do, changing nothing: "ACTION NODE VM" lines, with
# ACTION one of destroy, rebuild, create, start, keep, in the order converge acts.
plan() {
  local want=$1 index state
  scan "$want"
  while read -r index; do
    if ((index > want)); then printf 'destroy %s %s\n' "$(node_name "$index")" "$(vm_name "$index")"; fi
  done < <(indexes_desc)
  for ((index = 1; index <= want; index++)); do
    if [[ -z ${OURS[$index]:-} ]]; then
      [[ -f $BASE_DISK ]] || die "the image disk $BASE_DISK does not exist"
      printf 'create %s %s\n' "$(node_name "$index")" "$(vm_name "$index")"
    elif [[ -z ${READY[$index]:-} ]]; then
      printf 'rebuild %s %s\n' "$(node_name "$index")" "$(vm_name "$index")"
    else
      state=$(vm_prop "${OURS[$index]}" VMState)
      if [[ $state == running ]]; then
        printf 'keep %s %s\n' "$(node_name "$index")" "$(vm_name "$index")"
      else
        printf 'start %s %s\n' "$(node_name "$index")" "$(vm_name "$index")"
      fi
    fi
  done
}

# converge COUNT: destroy indexes above COUNT (highest first), rebuild half-built ones, create
# the missing indexes 1..COUNT (filling gaps), start the rest, then print
# "node NODE INDEX ADDRESS PORT NEW" for every node of the group.
converge() {
  local want=$1 index where
  local -A created=()
  scan "$want"
  while read -r index; do
    if ((index > want)); then destroy_vm "${OURS[$index]}" "$(vm_name "$index")"; fi
  done < <(indexes_desc)
  for ((index = 1; index <= want; index++)); do
    if [[ -n ${OURS[$index]:-} && -z ${READY[$index]:-} ]]; then
      say "$(vm_name "$index") was left half-built; rebuilding it"
      destroy_vm "${OURS[$index]}" "$(vm_name "$index")"
      unset 'OURS[$index]'
    fi
    if [[ -z ${OURS[$index]:-} ]]; then
      create "$index"
      created[$index]=1
    else
      start "${OURS[$index]}"
    fi
  done
  for ((index = 1; index <= want; index++)); do
    where=$(address "$index")
    printf 'node %s %s %s %s\n' "$(node_name "$index")" "$index" "$where" "${created[$index]:-0}"
  done
}

# nodes: the group's VMs as they are, changing nothing: "node NODE INDEX ADDRESS PORT 0" for
# each running one, "stopped NODE INDEX STATE" and "half-built NODE INDEX" for the others.
nodes() {
  local index state where
  scan 0
  while read -r index; do
    if [[ -z ${READY[$index]:-} ]]; then printf 'half-built %s %s\n' "$(node_name "$index")" "$index"; continue; fi
    state=$(vm_prop "${OURS[$index]}" VMState)
    if [[ $state != running ]]; then printf 'stopped %s %s %s\n' "$(node_name "$index")" "$index" "$state"; continue; fi
    where=$(address "$index")
    printf 'node %s %s %s 0\n' "$(node_name "$index")" "$index" "$where"
  done < <(indexes_asc)
}

destroy() {
  scan 0
  if [[ -n ${OURS[$1]:-} ]]; then destroy_vm "${OURS[$1]}" "$(vm_name "$1")"; fi
}

destroy_all() {
  local index
  scan 0
  while read -r index; do destroy_vm "${OURS[$index]}" "$(vm_name "$index")"; done < <(indexes_desc)
}

list() {
  local index
  scan 0
  while read -r index; do
    printf '%s %s %s\n' "$(vm_name "$index")" "$index" "$([[ -n ${READY[$index]:-} ]] && echo ready || echo half-built)"
  done < <(indexes_asc)
}

status() {
  local index state
  scan 0
  while read -r index; do
    state=$(vm_prop "${OURS[$index]}" VMState)
    printf '%s %s %s\n' "$(vm_name "$index")" "$state" "$([[ -n ${READY[$index]:-} ]] && echo ready || echo half-built)"
  done < <(indexes_asc)
}

usage() {
  cat >&2 <<USAGE
usage: $0 converge COUNT | plan COUNT | nodes | create INDEX | destroy INDEX | destroy-all | list | address INDEX | status
VirtualBox nodes of group '$GROUP' (service '$SERVICE', project '$PROJECT'); set VBOXMANAGE to use another VBoxManage.
USAGE
  exit 2
}

number() { [[ ${1:-} =~ ^[0-9]+$ ]] || usage; }

case ${1:-} in
  converge) number "${2:-}"; converge "$2" ;;
  plan) number "${2:-}"; plan "$2" ;;
  nodes) nodes ;;
  create) number "${2:-}"; scan "$2"; [[ -z ${OURS[$2]:-} ]] || die "$(vm_name "$2") exists"; create "$2"; address "$2" ;;
  destroy) number "${2:-}"; destroy "$2" ;;
  destroy-all) destroy_all ;;
  list) list ;;
  address) number "${2:-}"; scan 0; [[ -n ${OURS[$2]:-} ]] || die "$(vm_name "$2") does not exist"; address "$2" ;;
  status) status ;;
  *) usage ;;
esac
