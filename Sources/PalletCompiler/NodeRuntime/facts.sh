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
