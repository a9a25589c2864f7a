# shellcheck shell=bash
# Two Debian docker-registry processes on loopback, for the image-build tests: "plain" (no auth)
# and "auth" (htpasswd with bcrypt, user ci, a random password made at the first `up`). Each has
# its own config, storage, log, port and pid under $TESTBED_STATE/registry/<name>/, never the
# shipped /etc/docker/registry/config.yml. `up` keeps a registry that answers and restarts one
# that does not; `down` stops them (and only them). Sourced.

REGISTRY_DIR="$TESTBED_STATE/registry"
REGISTRY_NAMES=(plain auth)
REGISTRY_HOST=127.0.0.1
REGISTRY_AUTH_USER=ci
# Filled in by ensure_registries: name → host:port / pid / what `up` did with it.
declare -A REGISTRY_ADDR=() REGISTRY_PID=() REGISTRY_ACTION=()
REGISTRY_AUTH_PASSWORD=''

registry_config() { printf '%s\n' "$REGISTRY_DIR/$1/config.yml"; }

# What GET /v2/ must answer: 200 without auth, 401 (anonymous) with it.
registry_expected_code() { if [[ $1 == auth ]]; then echo 401; else echo 200; fi; }

# True when $1 is a live docker-registry serving the config file $2.
is_registry_pid() {
  local pid=$1 config=$2 comm args
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/comm ]] || return 1
  read -r comm <"/proc/$pid/comm" 2>/dev/null || return 1
  [[ $comm == docker-registry ]] || return 1
  args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $'\n'$args$'\n' == *$'\n'"$config"$'\n'* ]]
}

# Pid of the registry $1 that `up` started: from its pid file, else found in /proc by its config
# path (so a lost pid file cannot leave an orphan behind).
registry_pid() {
  local name=$1 config pid dir
  config=$(registry_config "$name")
  pid=$(cat "$REGISTRY_DIR/$name/pid" 2>/dev/null || true)
  if is_registry_pid "$pid" "$config"; then
    printf '%s\n' "$pid"
    return 0
  fi
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    if is_registry_pid "$pid" "$config"; then
      [[ -d $REGISTRY_DIR/$name ]] && printf '%s\n' "$pid" >"$REGISTRY_DIR/$name/pid"
      printf '%s\n' "$pid"
      return 0
    fi
  done
  return 1
}

# True when http://$1/v2/ answers status $2 and says it is a registry (API version header).
registry_answers() {
  local out
  # --noproxy: an http_proxy in the environment must not catch loopback requests.
  out=$(curl -sS -m 3 --noproxy '*' -o /dev/null -D - -w '\n%{http_code}' "http://$1/v2/" \
    2>/dev/null) || return 1
  [[ ${out##*$'\n'} == "$2" && ${out,,} == *'docker-distribution-api-version: registry/2.0'* ]]
}

# True when something accepts TCP connections on loopback port $1.
port_in_use() { (: <"/dev/tcp/$REGISTRY_HOST/$1") 2>/dev/null; }

# The auth registry's password: made at the first `up`, then kept in the state dir.
auth_registry_password() {
  local file="$REGISTRY_DIR/auth/password"
  if [[ ! -s $file ]]; then
    (
      umask 077
      head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$file.tmp"
    ) || die "registry: could not generate a password"
    mv "$file.tmp" "$file"
  fi
  cat "$file"
}

# Writes the htpasswd file (bcrypt) unless it already holds the user with this password.
# Returns 0 when it wrote a new file (a running registry must restart to read it).
write_htpasswd() {
  local file="$REGISTRY_DIR/auth/htpasswd" password=$1
  [[ -s $file ]] && htpasswd -vb "$file" "$REGISTRY_AUTH_USER" "$password" >/dev/null 2>&1 &&
    return 1
  (umask 077 && htpasswd -Bbn "$REGISTRY_AUTH_USER" "$password" >"$file.tmp") ||
    die "registry: htpasswd -Bbn failed (is apache2-utils installed?)"
  mv "$file.tmp" "$file"
  return 0
}

# The config file's content for registry $1 on port $2.
registry_config_text() {
  local name=$1 port=$2 dir="$REGISTRY_DIR/$1"
  printf '# Written by scripts/testbed (switchyard): the %s test registry.\n' "$name"
  printf 'version: 0.1\n'
  printf 'log:\n  level: warn\n  accesslog:\n    disabled: true\n'
  printf 'storage:\n  filesystem:\n    rootdirectory: "%s"\n  delete:\n    enabled: true\n' \
    "$dir/data"
  # A fixed secret: it only signs upload state, and a generated one is logged as a warning.
  printf 'http:\n  addr: "%s:%s"\n  secret: switchyard-testbed-%s\n' "$REGISTRY_HOST" "$port" "$name"
  if [[ $name == auth ]]; then
    printf 'auth:\n  htpasswd:\n    realm: switchyard-testbed\n    path: "%s"\n' "$dir/htpasswd"
  fi
}

# Stops registry $1 if it runs (SIGTERM, then SIGKILL after 5 s). Safe when nothing runs.
stop_registry() {
  local name=$1 pid
  if ! pid=$(registry_pid "$name"); then
    rm -f "$REGISTRY_DIR/$name/pid"
    return 0
  fi
  terminate_pid "$pid" "registry $name" 5000 0.05
  rm -f "$REGISTRY_DIR/$name/pid"
  log "stopped registry $name (pid $pid)"
}

# Starts registry $1 on the port in its config and waits until it answers (10 s at most).
# Returns 2 (after cleaning up) when the port was taken in the meantime, so the caller can
# pick another; any other failure is fatal.
start_registry() {
  local name=$1 dir="$REGISTRY_DIR/$1" config addr expected pid
  config=$(registry_config "$name")
  addr=${REGISTRY_ADDR[$name]}
  expected=$(registry_expected_code "$name")
  # GET /v2/ answers the expected code (200, or 401 with auth).
  # shellcheck disable=SC2317  # called by start_daemon
  registry_up() { registry_answers "$addr" "$expected"; }
  start_daemon "registry $name" "$dir/pid" "$dir/log" 10000 registry_up "${addr##*:}" \
    -- docker-registry serve "$config" || return $?
  pid=$DAEMON_PID
  is_registry_pid "$pid" "$config" ||
    die "registry $name: pid $pid is not the docker-registry serving $config"
  REGISTRY_PID[$name]=$pid
  log "registry $name is up on $addr (pid $pid, $(($(now_ms) - DAEMON_STARTED_MS)) ms)"
}

# Ensures registry $1 runs and answers; keeps a healthy one. $2… are ports the other
# registries use.
ensure_registry() {
  local name=$1 dir="$REGISTRY_DIR/$1" config port pid restart=0 text attempt rc
  shift
  config=$(registry_config "$name")
  mkdir -p "$dir/data"
  port=$(cat "$dir/port" 2>/dev/null || true)
  [[ $port =~ ^[0-9]+$ ]] || port=''
  if [[ $name == auth ]]; then
    REGISTRY_AUTH_PASSWORD=$(auth_registry_password)
    write_htpasswd "$REGISTRY_AUTH_PASSWORD" && restart=1
  fi
  if pid=$(registry_pid "$name"); then
    if [[ -n $port ]] && ((restart == 0)) &&
      [[ $(cat "$config" 2>/dev/null) == "$(registry_config_text "$name" "$port")" ]] &&
      registry_answers "$REGISTRY_HOST:$port" "$(registry_expected_code "$name")"; then
      REGISTRY_ADDR[$name]="$REGISTRY_HOST:$port"
      REGISTRY_PID[$name]=$pid
      REGISTRY_ACTION[$name]='kept running'
      log "registry $name answers on $REGISTRY_HOST:$port (pid $pid); keeping it"
      return 0
    fi
    log "registry $name (pid $pid) does not answer as expected or its config changed; restarting"
    stop_registry "$name"
    REGISTRY_ACTION[$name]='restarted'
  else
    REGISTRY_ACTION[$name]='started'
    [[ -f $dir/pid ]] && REGISTRY_ACTION[$name]='restarted (it was gone)'
    rm -f "$dir/pid"
  fi
  for attempt in 1 2 3; do
    if [[ -z $port ]] || port_in_use "$port"; then
      [[ -n $port ]] && log "registry $name: port $port is in use by someone else; picking another"
      port=$(free_port_except registry "$@")
    fi
    printf '%s\n' "$port" >"$dir/port"
    text=$(registry_config_text "$name" "$port")
    printf '%s\n' "$text" >"$config"
    REGISTRY_ADDR[$name]="$REGISTRY_HOST:$port"
    rc=0
    start_registry "$name" || rc=$?
    ((rc == 0)) && return 0
    port=''
    ((attempt < 3)) || break
  done
  die "registry $name: could not bind a free loopback port in 3 attempts"
}

ensure_registries() {
  local name ports=() other
  command -v docker-registry >/dev/null || die "registry: docker-registry is not installed"
  command -v htpasswd >/dev/null || die "registry: htpasswd (apache2-utils) is not installed"
  command -v curl >/dev/null || die "registry: curl is not installed"
  mkdir -p "$REGISTRY_DIR"
  for name in "${REGISTRY_NAMES[@]}"; do
    ports=()
    for other in "${REGISTRY_NAMES[@]}"; do
      [[ $other == "$name" ]] && continue
      [[ -s $REGISTRY_DIR/$other/port ]] && ports+=("$(cat "$REGISTRY_DIR/$other/port")")
    done
    ensure_registry "$name" "${ports[@]}"
  done
}

stop_registries() {
  local name
  [[ -d $REGISTRY_DIR ]] || return 0
  for name in "${REGISTRY_NAMES[@]}"; do stop_registry "$name"; done
}

# One status line per registry; returns 1 when one does not answer.
status_registries() {
  local name port pid rc=0 expected state
  for name in "${REGISTRY_NAMES[@]}"; do
    port=$(cat "$REGISTRY_DIR/$name/port" 2>/dev/null || true)
    expected=$(registry_expected_code "$name")
    if ! pid=$(registry_pid "$name" 2>/dev/null); then
      state='not running'
      rc=1
    elif [[ -n $port ]] && registry_answers "$REGISTRY_HOST:$port" "$expected"; then
      state="up (pid $pid), GET /v2/ answers $expected"
    else
      state="running (pid $pid) but GET /v2/ does not answer $expected: run up"
      rc=1
    fi
    printf '  %-6s %-22s %s%s\n' "$name" "${port:+$REGISTRY_HOST:$port}" "$state" \
      "$([[ $name == auth ]] && echo ", user $REGISTRY_AUTH_USER")"
  done
  return "$rc"
}
