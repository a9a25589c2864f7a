# shellcheck shell=bash
# One Debian Prometheus on loopback, for the monitor-window tests, its benchmark and the demo. It
# scrapes every 1 s:
#   job "switchyard": containers labelled switchyard.role=app on the local docker daemon
#                     (docker_sd), at <container ip>:<port>/metrics for each port it exposes
#                     (8080 when none), with the app, environment, color and version container
#                     labels as target labels;
#   job "switchyard-proxy": containers labelled switchyard.role=proxy (docker_sd), HAProxy's
#                     exporter at <container ip>:8405/metrics, with the app and environment labels;
#   job "file":       the file_sd targets in $PROMETHEUS_TARGETS_DIR/*.json, so a test can add
#                     a target by dropping a JSON file there (re-read every 1 s).
# Config, data, log, port and pid live under $TESTBED_STATE/prometheus/, never /etc/prometheus.
# `up` keeps an instance that answers /-/ready (reloading it when only the config changed) and
# restarts one that does not; `down` stops it (and only it). Sourced; uses port_in_use from
# testbed-registry.sh and free_port from testbed-images.sh.

PROMETHEUS_DIR="$TESTBED_STATE/prometheus"
PROMETHEUS_CONFIG="$PROMETHEUS_DIR/prometheus.yml"
PROMETHEUS_TARGETS_DIR="$PROMETHEUS_DIR/targets"
PROMETHEUS_HOST=127.0.0.1
# Preferred port: stable for the demo, and below the kernel's ephemeral range (32768–60999), where
# free_port, and so the registries, pick theirs. Not 9090, where a packaged Prometheus would listen.
# When it is taken, `up` picks a free one and keeps it in $PROMETHEUS_DIR/port, as the registries do.
PROMETHEUS_DEFAULT_PORT=19090
PROMETHEUS_RETENTION=2h
# Filled in by ensure_prometheus.
PROMETHEUS_URL=''
PROMETHEUS_PID=''
PROMETHEUS_ACTION=''
PROMETHEUS_DOCKER_HOST=''
PROMETHEUS_ARGS=()

# The daemon docker_sd asks: the one the docker CLI talks to. testbed-daemon.sh starts dockerd with
# its defaults, so without DOCKER_HOST that is the socket unix:///var/run/docker.sock.
prometheus_docker_host() {
  local host=${DOCKER_HOST:-unix:///var/run/docker.sock}
  case $host in
    unix://*)
      [[ -S ${host#unix://} ]] || die "prometheus: docker socket ${host#unix://} does not exist"
      ;;
    tcp://*) ;;
    *) die "prometheus: docker_sd cannot use DOCKER_HOST=$host (only unix:// and tcp://)" ;;
  esac
  printf '%s\n' "$host"
}

# Sets PROMETHEUS_ARGS for port $1: the exact command line `up` starts (and expects to find).
prometheus_set_args() {
  PROMETHEUS_ARGS=(
    "--config.file=$PROMETHEUS_CONFIG"
    "--storage.tsdb.path=$PROMETHEUS_DIR/data"
    "--storage.tsdb.retention.time=$PROMETHEUS_RETENTION"
    "--web.listen-address=$PROMETHEUS_HOST:$1"
    --web.enable-lifecycle
  )
}

# The config file's content.
prometheus_config_text() {
  cat <<EOF
# Written by scripts/testbed (switchyard): the shared test Prometheus. Edits are overwritten.
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  # What deploy-bluegreen starts: containers labelled switchyard.role=app, one target per network
  # the container is on and per port it exposes (EXPOSE), at <container ip>:<port>/metrics; a
  # container that exposes none is scraped on 8080. An app on any port is scraped, whatever it is.
  - job_name: switchyard
    # honor_labels false (the default, spelled out): on a clash the target labels below win over
    # the labels on the scraped samples. The example app puts its own \`color\` (from COLOR or
    # SWITCHYARD_COLOR) on every metric; with false, \`color\` on every series, \`up\` included
    # (which only ever has target labels), is the container's switchyard.color label, and the
    # app's own value is kept as \`exported_color\`. A container without that label keeps the app's.
    honor_labels: false
    docker_sd_configs:
      - host: $PROMETHEUS_DOCKER_HOST
        refresh_interval: 1s
        port: 8080
        filters:
          - name: label
            values: [switchyard.role=app]
    relabel_configs:
      # One target per exposed port, all kept (a port that serves no /metrics is just down).
      - source_labels: [__meta_docker_container_label_switchyard_app]
        target_label: app
      - source_labels: [__meta_docker_container_label_switchyard_environment]
        target_label: environment
      - source_labels: [__meta_docker_container_label_switchyard_color]
        target_label: color
      - source_labels: [__meta_docker_container_label_switchyard_version]
        target_label: version
      # The container name, without Docker's leading slash.
      - source_labels: [__meta_docker_container_name]
        regex: '/?(.*)'
        target_label: instance
  # The proxies deploy-bluegreen starts (switchyard.role=proxy): HAProxy's built-in exporter on
  # port 8405 of the container (frontend metrics in haproxy.cfg), at its address on the
  # <app>-<env> network, published or not. Its backend series carry proxy="be_<color>"; app and
  # environment come from the container's labels (monitor-window's metrics: proxy).
  - job_name: switchyard-proxy
    honor_labels: false
    docker_sd_configs:
      - host: $PROMETHEUS_DOCKER_HOST
        refresh_interval: 1s
        port: 8405
        filters:
          - name: label
            values: [switchyard.role=proxy]
    relabel_configs:
      # One target per exposed port (live 8080, preview 8081, the exporter's if published): keep
      # the live port's, and scrape the exporter's port at the same address.
      - source_labels: [__meta_docker_port_private]
        regex: '8080'
        action: keep
      - source_labels: [__meta_docker_network_ip]
        target_label: __address__
        replacement: '\$1:8405'
      - source_labels: [__meta_docker_container_label_switchyard_app]
        target_label: app
      - source_labels: [__meta_docker_container_label_switchyard_environment]
        target_label: environment
      - source_labels: [__meta_docker_container_name]
        regex: '/?(.*)'
        target_label: instance
  # Tests add targets with a JSON file: [{"targets": ["127.0.0.1:1234"], "labels": {...}}].
  - job_name: file
    # As above: the file's labels win over the scraped ones (kept as exported_<name>).
    honor_labels: false
    file_sd_configs:
      - files: ['$PROMETHEUS_TARGETS_DIR/*.json']
        refresh_interval: 1s
EOF
}

# True when $1 is a live prometheus reading our config file.
is_prometheus_pid() {
  local pid=$1 comm args
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/comm ]] || return 1
  read -r comm <"/proc/$pid/comm" 2>/dev/null || return 1
  [[ $comm == prometheus ]] || return 1
  args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $'\n'$args$'\n' == *$'\n'"--config.file=$PROMETHEUS_CONFIG"$'\n'* ]]
}

# Pid of the prometheus `up` started: from its pid file, else found in /proc by its config path
# (so a lost pid file cannot leave an orphan behind).
prometheus_pid() {
  local pid dir
  pid=$(cat "$PROMETHEUS_DIR/pid" 2>/dev/null || true)
  if is_prometheus_pid "$pid"; then
    printf '%s\n' "$pid"
    return 0
  fi
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    if is_prometheus_pid "$pid"; then
      [[ -d $PROMETHEUS_DIR ]] && printf '%s\n' "$pid" >"$PROMETHEUS_DIR/pid"
      printf '%s\n' "$pid"
      return 0
    fi
  done
  return 1
}

# True when process $1 runs with exactly PROMETHEUS_ARGS.
prometheus_args_match() {
  local args
  args=$(tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | tail -n +2) || return 1
  [[ $args == "$(printf '%s\n' "${PROMETHEUS_ARGS[@]}")" ]]
}

# True when the Prometheus at $1 (http://host:port) says it is ready.
prometheus_ready() {
  local body
  # --noproxy: an http_proxy in the environment must not catch loopback requests.
  body=$(curl -sSf -m 3 --noproxy '*' "$1/-/ready" 2>/dev/null) || return 1
  [[ $body == *'Prometheus'*'Ready'* ]]
}

# Validates $1 with promtool; dies with its output when the config is invalid.
prometheus_check_config() {
  local out
  if ! out=$(promtool check config "$1" 2>&1); then
    printf '%s\n' "$out" | sed 's/^/  | /' >&2
    die "prometheus: promtool check config $1 failed"
  fi
}

# Stops our prometheus if it runs (SIGTERM, then SIGKILL after 10 s). Safe when nothing runs.
stop_prometheus() {
  local pid
  if ! pid=$(prometheus_pid); then
    rm -f "$PROMETHEUS_DIR/pid"
    return 0
  fi
  terminate_pid "$pid" "prometheus" 10000 0.05
  rm -f "$PROMETHEUS_DIR/pid"
  log "stopped prometheus (pid $pid)"
}

# Starts prometheus with PROMETHEUS_ARGS and waits until /-/ready answers (30 s at most). Returns 2
# (after cleaning up) when the port was taken in the meantime, so the caller can pick another;
# any other failure is fatal.
start_prometheus() {
  local pid
  # GET /-/ready answers 200.
  # shellcheck disable=SC2317  # called by start_daemon
  prometheus_up() { prometheus_ready "$PROMETHEUS_URL"; }
  start_daemon prometheus "$PROMETHEUS_DIR/pid" "$PROMETHEUS_DIR/log" 30000 prometheus_up \
    "${PROMETHEUS_URL##*:}" -- prometheus "${PROMETHEUS_ARGS[@]}" || return $?
  pid=$DAEMON_PID
  is_prometheus_pid "$pid" || die "prometheus: pid $pid is not the prometheus reading $PROMETHEUS_CONFIG"
  PROMETHEUS_PID=$pid
  log "prometheus is ready on $PROMETHEUS_URL (pid $pid, $(($(now_ms) - DAEMON_STARTED_MS)) ms)"
}

# Ensures our prometheus runs and answers /-/ready; keeps a healthy one. Call after
# ensure_registries (it avoids their ports).
ensure_prometheus() {
  local port pid text code rc avoid_default=0 name taken=()
  command -v prometheus >/dev/null || die "prometheus: prometheus is not installed"
  command -v promtool >/dev/null ||
    die "prometheus: promtool is not installed (Debian ships it in the prometheus package)"
  command -v curl >/dev/null || die "prometheus: curl is not installed"
  mkdir -p "$PROMETHEUS_DIR/data" "$PROMETHEUS_TARGETS_DIR"
  PROMETHEUS_DOCKER_HOST=$(prometheus_docker_host)
  for name in "${!REGISTRY_ADDR[@]}"; do taken+=("${REGISTRY_ADDR[$name]##*:}"); done
  text=$(prometheus_config_text)
  port=$(cat "$PROMETHEUS_DIR/port" 2>/dev/null || true)
  [[ $port =~ ^[0-9]+$ ]] || port=''
  if pid=$(prometheus_pid); then
    if [[ -n $port ]]; then
      prometheus_set_args "$port"
      PROMETHEUS_URL="http://$PROMETHEUS_HOST:$port"
    fi
    if [[ -n $port ]] && prometheus_args_match "$pid" && prometheus_ready "$PROMETHEUS_URL"; then
      PROMETHEUS_PID=$pid
      PROMETHEUS_ACTION='kept running'
      if [[ $(cat "$PROMETHEUS_CONFIG" 2>/dev/null) != "$text" ]]; then
        printf '%s\n' "$text" >"$PROMETHEUS_CONFIG.new"
        prometheus_check_config "$PROMETHEUS_CONFIG.new"
        mv "$PROMETHEUS_CONFIG.new" "$PROMETHEUS_CONFIG"
        code=$(curl -sS -m 10 --noproxy '*' -o /dev/null -w '%{http_code}' -X POST \
          "$PROMETHEUS_URL/-/reload" 2>/dev/null) || code=000
        if [[ $code != 200 ]]; then
          tail_log "$PROMETHEUS_DIR/log"
          die "prometheus: POST $PROMETHEUS_URL/-/reload answered $code after a config change"
        fi
        PROMETHEUS_ACTION='kept running, config reloaded'
      fi
      log "prometheus answers on $PROMETHEUS_URL (pid $pid): $PROMETHEUS_ACTION"
      return 0
    fi
    log "prometheus (pid $pid) is not ready or runs with other flags; restarting it"
    stop_prometheus
    PROMETHEUS_ACTION='restarted'
  else
    PROMETHEUS_ACTION='started'
    [[ -f $PROMETHEUS_DIR/pid ]] && PROMETHEUS_ACTION='restarted (it was gone)'
    rm -f "$PROMETHEUS_DIR/pid"
  fi
  printf '%s\n' "$text" >"$PROMETHEUS_CONFIG"
  prometheus_check_config "$PROMETHEUS_CONFIG"
  for _ in 1 2 3; do
    if [[ -z $port ]] || port_in_use "$port"; then
      [[ -n $port ]] && log "prometheus: port $port is in use by someone else; picking another"
      if ((avoid_default == 0)) && [[ $port != "$PROMETHEUS_DEFAULT_PORT" ]] &&
        [[ " ${taken[*]} " != *" $PROMETHEUS_DEFAULT_PORT "* ]] &&
        ! port_in_use "$PROMETHEUS_DEFAULT_PORT"; then
        port=$PROMETHEUS_DEFAULT_PORT
      else
        port=$(free_port_except prometheus "${taken[@]}")
      fi
    fi
    printf '%s\n' "$port" >"$PROMETHEUS_DIR/port"
    prometheus_set_args "$port"
    PROMETHEUS_URL="http://$PROMETHEUS_HOST:$port"
    rc=0
    start_prometheus || rc=$?
    ((rc == 0)) && return 0
    [[ $port == "$PROMETHEUS_DEFAULT_PORT" ]] && avoid_default=1
    port=''
  done
  die "prometheus: could not bind a free loopback port in 3 attempts"
}

# Prints "<up>/<active> up" for each scrape job of the Prometheus at $1, e.g. "file 0/0 up,
# switchyard 1/1 up"; nothing when the API does not answer.
prometheus_target_summary() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  curl -sS -m 3 --noproxy '*' "$1/api/v1/targets?state=active" 2>/dev/null |
    node -e '
      let s = "";
      process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const jobs = { file: [0, 0], switchyard: [0, 0], "switchyard-proxy": [0, 0] };
        for (const t of JSON.parse(s).data.activeTargets) {
          const j = (jobs[t.scrapePool] ??= [0, 0]);
          j[1]++;
          if (t.health === "up") j[0]++;
        }
        console.log(Object.entries(jobs).map(([k, [u, n]]) => `${k} ${u}/${n} up`).join(", "));
      });' 2>/dev/null || true
}

# One status line; returns 1 when our prometheus does not answer /-/ready.
status_prometheus() {
  local port pid url
  port=$(cat "$PROMETHEUS_DIR/port" 2>/dev/null || true)
  url=${port:+http://$PROMETHEUS_HOST:$port}
  if ! pid=$(prometheus_pid 2>/dev/null); then
    printf 'prometheus: not running (%s): run up\n' "${url:-no port chosen yet}"
    return 1
  fi
  if [[ -n $url ]] && prometheus_ready "$url"; then
    printf 'prometheus: %s up (pid %s), ready; targets: %s\n' "$url" "$pid" \
      "$(prometheus_target_summary "$url")"
    return 0
  fi
  printf 'prometheus: running (pid %s) but %s/-/ready does not answer: run up\n' "$pid" \
    "${url:-<no port file>}"
  return 1
}
