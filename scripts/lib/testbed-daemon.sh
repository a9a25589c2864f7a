# shellcheck shell=bash
# The docker daemon: start it when none answers, stop it only when we started it. Sourced.

# The daemon's own pid file (dockerd's default --pidfile).
DOCKERD_SYSTEM_PID_FILE=/var/run/docker.pid

# True when $1 is a live process named dockerd.
is_dockerd_pid() {
  [[ $1 =~ ^[0-9]+$ ]] && [[ -r /proc/$1/comm ]] && [[ $(cat "/proc/$1/comm" 2>/dev/null) == dockerd ]]
}

# The pid recorded by `up` when it started the daemon, if that process is still a dockerd.
our_dockerd_pid() {
  local pid
  [[ -f $DOCKERD_PID_FILE ]] || return 1
  pid=$(cat "$DOCKERD_PID_FILE" 2>/dev/null || true)
  is_dockerd_pid "$pid" || return 1
  printf '%s\n' "$pid"
}

# Ensures a daemon answers. Sets DOCKER_STARTED=1 when the running daemon is one that `up`
# started (now or earlier), 0 when someone else's daemon answers.
ensure_daemon() {
  local pid system_pid='' started
  if docker_answers; then
    if pid=$(our_dockerd_pid) && [[ $(cat "$DOCKERD_SYSTEM_PID_FILE" 2>/dev/null) == "$pid" ]]; then
      DOCKER_STARTED=1
      log "docker daemon answers (pid $pid, started by an earlier 'up')"
    else
      DOCKER_STARTED=0
      rm -f "$DOCKERD_PID_FILE"
      log "docker daemon answers (not started by the testbed; leaving it alone)"
    fi
    return 0
  fi
  if pid=$(our_dockerd_pid); then
    tail_log "$DOCKERD_LOG"
    die "docker daemon: the dockerd we started (pid $pid) is running but 'docker info' fails; run 'scripts/testbed down'"
  fi
  if [[ -n ${DOCKER_HOST:-} ]]; then
    die "docker daemon: DOCKER_HOST=$DOCKER_HOST does not answer; the testbed starts only a local dockerd"
  fi
  [[ $EUID -eq 0 ]] || die "docker daemon: not running, and starting dockerd needs root"
  command -v dockerd >/dev/null || die "docker daemon: dockerd is not installed"
  [[ -f $DOCKERD_SYSTEM_PID_FILE ]] && system_pid=$(cat "$DOCKERD_SYSTEM_PID_FILE" 2>/dev/null || true)
  if is_dockerd_pid "$system_pid"; then
    die "docker daemon: a dockerd we did not start (pid $system_pid) is running but not answering; not touching it"
  fi
  if [[ -n $system_pid && -d /proc/$system_pid ]]; then
    # A stale pid file whose pid now belongs to another process makes dockerd refuse to start.
    log "removing stale $DOCKERD_SYSTEM_PID_FILE (pid $system_pid is not a dockerd)"
    rm -f "$DOCKERD_SYSTEM_PID_FILE"
  fi
  log "starting dockerd (log: $DOCKERD_LOG)"
  started=$(now_ms)
  # setsid: its own session, so killing the caller's process group leaves it running.
  # 9<&-: it must not inherit the testbed lock.
  setsid dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null 9<&- &
  pid=$!
  printf '%s\n' "$pid" >"$DOCKERD_PID_FILE"
  while ! docker_answers; do
    if ! process_alive "$pid"; then
      rm -f "$DOCKERD_PID_FILE"
      tail_log "$DOCKERD_LOG"
      die "docker daemon: dockerd (pid $pid) exited during start-up"
    fi
    if (($(now_ms) - started >= 30000)); then
      kill -TERM "$pid" 2>/dev/null || true
      rm -f "$DOCKERD_PID_FILE"
      tail_log "$DOCKERD_LOG"
      die "docker daemon: dockerd (pid $pid) did not answer 'docker info' within 30 s"
    fi
    sleep 0.1
  done
  # Record the daemon's own pid (the same as $! unless setsid had to fork).
  system_pid=$(cat "$DOCKERD_SYSTEM_PID_FILE" 2>/dev/null || true)
  if is_dockerd_pid "$system_pid" && [[ $system_pid != "$pid" ]]; then
    pid=$system_pid
    printf '%s\n' "$pid" >"$DOCKERD_PID_FILE"
  fi
  DOCKER_STARTED=1
  log "dockerd is up (pid $pid, $(($(now_ms) - started)) ms)"
}

# Stops the daemon if (and only if) `up` started it. Safe when nothing runs.
stop_our_daemon() {
  local pid started
  if ! pid=$(our_dockerd_pid); then
    [[ -f $DOCKERD_PID_FILE ]] && log "recorded dockerd is gone already"
    rm -f "$DOCKERD_PID_FILE"
    return 0
  fi
  log "stopping dockerd (pid $pid, started by the testbed)"
  started=$(now_ms)
  terminate_pid "$pid" "docker daemon: dockerd" 30000 0.1
  rm -f "$DOCKERD_PID_FILE"
  log "dockerd stopped ($(($(now_ms) - started)) ms)"
}
