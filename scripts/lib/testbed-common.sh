# shellcheck shell=bash
# Shared constants and helpers for scripts/testbed. Sourced, never run.

# Everything the testbed creates carries this label (images, containers); `down` removes by it.
TESTBED_LABEL_KEY=switchyard.testbed
TESTBED_LABEL="${TESTBED_LABEL_KEY}=true"
# Label holding the hash of an image's inputs; a match means "up to date, skip the rebuild".
TESTBED_INPUT_LABEL=switchyard.testbed.input

BASE_IMAGE=switchyard-testbed/node:local
APP_IMAGE=switchyard-testbed/example-app:local

# Bump to force a rebuild of every testbed image when the recipes below change.
RECIPE_VERSION=1

# Busybox applets linked into the base image (shell-form RUN, HEALTHCHECK and debugging).
BASE_APPLETS=(sh ash wget cat env sleep ls echo printf mkdir rm cp mv date id ps kill grep sed
  head tail true false test \[ hostname nc)

TESTBED_STATE="${SWITCHYARD_TESTBED_DIR:-/tmp/switchyard-testbed}"
case "$TESTBED_STATE" in
  /*) ;;
  *) TESTBED_STATE="$PWD/$TESTBED_STATE" ;;
esac
TESTBED_ENV_FILE="$TESTBED_STATE/testbed.env"
DOCKERD_PID_FILE="$TESTBED_STATE/dockerd.pid"
DOCKERD_LOG="$TESTBED_STATE/dockerd.log"

# dockerd and friends live in sbin, which a non-login shell may not have on PATH.
case ":$PATH:" in
  *:/usr/sbin:*) ;;
  *) PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" ;;
esac
export PATH

log() { printf 'testbed: %s\n' "$*" >&2; }
die() {
  printf 'testbed: ERROR: %s\n' "$*" >&2
  exit 1
}

# Prints the last lines of a log file, indented, to stderr (for loud failures).
tail_log() {
  local file=$1 lines=${2:-25}
  [[ -f $file ]] || return 0
  printf 'testbed: --- last %s lines of %s ---\n' "$lines" "$file" >&2
  tail -n "$lines" "$file" | sed 's/^/  | /' >&2
}

# True when a docker daemon answers (bounded, so a wedged socket cannot hang the script).
docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

# Image id of a tag, or nothing.
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# Value of one label on an image, or nothing.
image_label() {
  docker image inspect --format "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

# sha256 of stdin, hex only.
sha256_stdin() { sha256sum | cut -d' ' -f1; }

# True while process $1 exists and is not a zombie. A killed child of an earlier `up` is
# reparented to PID 1, which may take a while to reap it; `kill -0` still succeeds meanwhile.
process_alive() {
  local stat
  [[ $1 =~ ^[0-9]+$ ]] && { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# Seconds since the epoch with milliseconds, for timings.
now_ms() { date +%s%3N; }

# start_daemon WHAT PIDFILE LOGFILE TIMEOUT_MS READY_FN PORT -- COMMAND...
# Starts COMMAND in its own session (setsid: killing the caller's process group leaves it running;
# 9<&-: it must not inherit the testbed lock), appending to LOGFILE, and polls READY_FN (a function
# that may read the caller's locals) every 50 ms. Sets DAEMON_PID and DAEMON_STARTED_MS. Returns 2,
# after cleaning up, when the process died because PORT was taken meanwhile (the caller picks
# another); any other failure, or no readiness within TIMEOUT_MS, is fatal.
start_daemon() {
  local what=$1 pidfile=$2 logfile=$3 timeout_ms=$4 ready=$5 port=$6 pid started offset
  shift 7
  offset=$(($(stat -c %s "$logfile" 2>/dev/null || echo 0) + 1))
  started=$(now_ms)
  setsid "$@" >>"$logfile" 2>&1 </dev/null 9<&- &
  pid=$!
  printf '%s\n' "$pid" >"$pidfile"
  until "$ready"; do
    if ! process_alive "$pid"; then
      rm -f "$pidfile"
      if tail -c "+$offset" "$logfile" | grep -q 'address already in use'; then
        log "$what: port $port was taken meanwhile; picking another"
        return 2
      fi
      tail_log "$logfile"
      die "$what: $1 (pid $pid) exited during start-up"
    fi
    if (($(now_ms) - started >= timeout_ms)); then
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$pidfile"
      tail_log "$logfile"
      die "$what: not ready within $((timeout_ms / 1000)) s ($ready)"
    fi
    sleep 0.05
  done
  DAEMON_PID=$pid
  DAEMON_STARTED_MS=$started
}

# Stops process $1 (described as $2): SIGTERM, then SIGKILL once it ignored that for $3 ms; polls
# every $4 s. Dies when it still lives.
terminate_pid() {
  local pid=$1 what=$2 grace_ms=$3 poll=$4 started
  started=$(now_ms)
  kill -TERM "$pid" 2>/dev/null || true
  while process_alive "$pid"; do
    if (($(now_ms) - started >= grace_ms)); then
      log "$what (pid $pid) ignored SIGTERM for $((grace_ms / 1000)) s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep "$poll"
  done
  process_alive "$pid" && die "$what (pid $pid) would not stop"
  return 0
}
