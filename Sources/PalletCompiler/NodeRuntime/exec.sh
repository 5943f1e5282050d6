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
