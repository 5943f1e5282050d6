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
