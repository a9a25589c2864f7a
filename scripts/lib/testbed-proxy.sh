# shellcheck shell=bash
# The HAProxy test image: Debian's haproxy + socat + busybox and their libraries in a rootfs made
# with `docker import`, the same way as the node base (no registry, about 1 s). No entrypoint:
# switchyard runs it as `--entrypoint haproxy … -W -db -f <cfg>`. glibc resolves container names
# through Docker's embedded DNS (/etc/resolv.conf → 127.0.0.11 on a user-defined network), so
# `server app <container>:8080 init-addr libc,none` works; the smoke check proves it. Sourced.

HAPROXY_IMAGE=switchyard-testbed/haproxy:local
# Bump to rebuild the HAProxy image when its recipe below changes.
HAPROXY_RECIPE_VERSION=1
HAPROXY_BUILT=0
# Busybox applets in the image: enough for `docker exec … sh -c` scripts that edit a config or
# map file (write, mv into place) and a wget probe.
HAPROXY_APPLETS=(sh cat mv rm ls wget sleep echo printf mkdir cp test \[ grep sed head tail
  true false kill ps env)
# The uid/gid of the image's `haproxy` user (a config may say `user haproxy`).
HAPROXY_UID=99

# Resolves HAPROXY_BIN, SOCAT_BIN and HAPROXY_VERSION (BUSYBOX_BIN comes from resolve_binaries).
resolve_proxy_binaries() {
  HAPROXY_BIN=$(readlink -f "$(command -v haproxy || true)")
  [[ -x $HAPROXY_BIN ]] || die "haproxy image: haproxy is not installed"
  SOCAT_BIN=$(readlink -f "$(command -v socat || true)")
  [[ -x $SOCAT_BIN ]] || die "haproxy image: socat is not installed"
  HAPROXY_VERSION=$("$HAPROXY_BIN" -v 2>/dev/null | awk 'NR == 1 {print $3}')
  [[ -n $HAPROXY_VERSION ]] || die "haproxy image: '$HAPROXY_BIN -v' printed no version"
}

# Every host file the rootfs copies: haproxy, socat, busybox and their libraries.
haproxy_source_files() {
  {
    printf '%s\n' "$HAPROXY_BIN" "$SOCAT_BIN" "$BUSYBOX_BIN"
    ldd_libs "$HAPROXY_BIN"
    ldd_libs "$SOCAT_BIN"
    ldd_libs "$BUSYBOX_BIN"
  } | awk '!seen[$0]++'
}

# Hash of the image's inputs: both recipe versions, the applets, and each file's identity.
haproxy_input_hash() {
  local file
  {
    printf 'recipe %s.%s\nhaproxy %s\napplets %s\nuid %s\n' "$RECIPE_VERSION" \
      "$HAPROXY_RECIPE_VERSION" "$HAPROXY_VERSION" "${HAPROXY_APPLETS[*]}" "$HAPROXY_UID"
    while IFS= read -r file; do
      printf '%s %s\n' "$file" "$(stat -L -c '%s %Y' "$file")"
    done < <(haproxy_source_files)
  } | sha256_stdin
}

build_haproxy_image() {
  local hash=$1 old rootfs="$BUILD_DIR/rootfs-haproxy" file applet
  if [[ $(image_label "$HAPROXY_IMAGE" "$TESTBED_INPUT_LABEL") == "$hash" ]]; then
    log "haproxy image $HAPROXY_IMAGE is up to date (haproxy $HAPROXY_VERSION)"
    return 0
  fi
  log "building haproxy image $HAPROXY_IMAGE from $HAPROXY_BIN ($HAPROXY_VERSION) + socat + busybox"
  old=$(image_id "$HAPROXY_IMAGE")
  rm -rf "$rootfs"
  mkdir -p "$rootfs/usr/sbin" "$rootfs/usr/bin" "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" \
    "$rootfs/usr/local/etc/haproxy" "$rootfs/var/lib/haproxy" "$rootfs/run"
  chmod 1777 "$rootfs/tmp"
  cp -L "$HAPROXY_BIN" "$rootfs/usr/sbin/haproxy"
  cp -L "$SOCAT_BIN" "$rootfs/usr/bin/socat"
  cp -L "$BUSYBOX_BIN" "$rootfs/bin/busybox"
  while IFS= read -r file; do
    [[ $file == "$HAPROXY_BIN" || $file == "$SOCAT_BIN" || $file == "$BUSYBOX_BIN" ]] ||
      copy_into_rootfs "$rootfs" "$file"
  done < <(haproxy_source_files)
  for applet in "${HAPROXY_APPLETS[@]}"; do ln -s busybox "$rootfs/bin/$applet"; done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
    "haproxy:x:$HAPROXY_UID:$HAPROXY_UID:haproxy:/var/lib/haproxy:/bin/false" \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' "haproxy:x:$HAPROXY_UID:" 'nogroup:x:65534:' >"$rootfs/etc/group"
  # glibc's default without this file is the same; written so nobody has to know that.
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  if ! tar -C "$rootfs" --owner=0 --group=0 --numeric-owner -c . |
    docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/bin' \
      --change "LABEL $TESTBED_LABEL" \
      --change "LABEL $TESTBED_INPUT_LABEL=$hash" \
      --change "LABEL switchyard.testbed.haproxy-version=$HAPROXY_VERSION" \
      - "$HAPROXY_IMAGE" >"$BUILD_DIR/haproxy-import.log" 2>&1; then
    tail_log "$BUILD_DIR/haproxy-import.log"
    die "haproxy image: docker import of $HAPROXY_IMAGE failed"
  fi
  rm -rf "$rootfs"
  [[ -n $old ]] && OLD_IMAGES+=("$old")
  HAPROXY_BUILT=1
}

HAPROXY_SMOKE_CONTAINER=''
HAPROXY_SMOKE_NETWORK=''
remove_haproxy_smoke() {
  [[ -n $HAPROXY_SMOKE_CONTAINER ]] && docker rm -f "$HAPROXY_SMOKE_CONTAINER" >/dev/null 2>&1
  [[ -n $HAPROXY_SMOKE_NETWORK ]] && docker network rm "$HAPROXY_SMOKE_NETWORK" >/dev/null 2>&1
  HAPROXY_SMOKE_CONTAINER='' HAPROXY_SMOKE_NETWORK=''
  return 0
}

haproxy_smoke_fail() {
  log "--- haproxy smoke container log ---"
  docker logs "$HAPROXY_SMOKE_CONTAINER" 2>&1 | tail -n 30 | sed 's/^/  | /' >&2 || true
  remove_haproxy_smoke
  if ((HAPROXY_BUILT)); then
    docker image rm -f "$HAPROXY_IMAGE" >/dev/null 2>&1 || true
    log "removed the new $HAPROXY_IMAGE, so the next 'up' rebuilds it"
  fi
  die "haproxy image: smoke check failed: $*"
}

# Runs the image on a user-defined network with a config whose one server is the container's
# own name, resolved at start by glibc through Docker's embedded DNS (`init-addr libc`: HAProxy
# refuses to start when that fails). Then `show info` and `show servers state` over the admin
# socket with the image's socat, as switchyard's router does.
smoke_check_haproxy() {
  local dir="$BUILD_DIR/haproxy-smoke" name="switchyard-testbed-haproxy-smoke-$$" out waited addr
  rm -rf "$dir"
  mkdir -p "$dir"
  cat >"$dir/haproxy.cfg" <<EOF
global
  stats socket /tmp/admin.sock mode 600 level admin
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend fe
  bind :8080
  default_backend be
backend be
  server self $name:8080 init-addr libc
EOF
  HAPROXY_SMOKE_NETWORK=$name
  docker network create --label "$TESTBED_LABEL" "$name" >/dev/null ||
    die "haproxy image: docker network create $name failed"
  HAPROXY_SMOKE_CONTAINER=$(docker run -d --name "$name" --network "$name" \
    --label "$TESTBED_LABEL" -v "$dir:/usr/local/etc/haproxy:ro" \
    --entrypoint haproxy "$HAPROXY_IMAGE" -W -db -f /usr/local/etc/haproxy/haproxy.cfg) ||
    haproxy_smoke_fail "docker run $HAPROXY_IMAGE failed"
  for ((waited = 0; ; waited++)); do
    out=$(printf 'show info\n' |
      timeout 5 docker exec -i "$HAPROXY_SMOKE_CONTAINER" socat stdio unix-connect:/tmp/admin.sock \
        2>&1) && [[ $out == *'Name: HAProxy'* ]] && break
    [[ $(docker inspect -f '{{.State.Running}}' "$HAPROXY_SMOKE_CONTAINER" 2>/dev/null) == true ]] ||
      haproxy_smoke_fail "haproxy exited at start (did '$name' not resolve?)"
    ((waited < 100)) || haproxy_smoke_fail "'show info' on the admin socket answered: $out"
    sleep 0.1
  done
  out=$(printf 'show servers state be\n' |
    docker exec -i "$HAPROXY_SMOKE_CONTAINER" socat stdio unix-connect:/tmp/admin.sock 2>&1) ||
    haproxy_smoke_fail "'show servers state' failed: $out"
  # Fields: be_id be_name srv_id srv_name srv_addr …; the address must be a real one.
  addr=$(awk '$4 == "self" {print $5}' <<<"$out")
  [[ $addr =~ ^[0-9]+(\.[0-9]+){3}$ && $addr != 0.0.0.0 ]] ||
    haproxy_smoke_fail "server 'self' ($name) has no resolved address: $out"
  remove_haproxy_smoke
  log "haproxy image smoke check passed ($name resolved to $addr by Docker's DNS)"
}
