# orphans: "orphan VM UUID SERVICE GROUP INDEX" for each VM of this project whose group is not
# in SPEC_GROUPS (a VM name with white space in it is shown with '?' there).
orphans() {
  local vms uuid name id project service group index ready known
  vms=$(all_vms)
  while read -r uuid name; do
    [[ -n $uuid ]] || continue
    id=$(identity "$uuid")
    read -r project service group index ready <<<"$id"
    [[ $project == "$PROJECT" ]] || continue
    for known in "${SPEC_GROUPS[@]}"; do
      [[ $known != "$service/$group" ]] || continue 2
    done
    printf 'orphan %s %s %s %s %s\n' "${name//[[:space:]]/?}" "$uuid" "$service" "$group" "$index"
  done <<<"$vms"
}

destroy_orphan() {
  local found vm uuid service group index
  found=$(orphans)
  while read -r _ vm uuid service group index; do
    [[ -n $uuid ]] || continue
    if [[ -z ${1:-} || $1 == "$uuid" ]]; then destroy_vm "$uuid" "$vm (group $group of service $service, no longer in the specs)"; fi
  done <<<"$found"
}

usage() {
  cat >&2 <<USAGE
usage: $0 list | destroy UUID | destroy-all
VirtualBox VMs of project '$PROJECT' whose group is no longer in the specs; set VBOXMANAGE to use another VBoxManage.
USAGE
  exit 2
}

case ${1:-} in
  list) orphans ;;
  destroy) [[ ${2:-} =~ ^[0-9a-fA-F-]{36}$ ]] || usage; destroy_orphan "$2" ;;
  destroy-all) destroy_orphan '' ;;
  *) usage ;;
esac
