# shellcheck shell=bash
# Image-build tools for the build-image tests, none of them touching machine-wide state:
#  - docker buildx from Debian trixie (bookworm has none), fetched with a private apt state,
#    cached as a .deb in $TESTBED_CACHE and unpacked into its own DOCKER_CONFIG. The default
#    `docker` keeps having no buildx, so tests can exercise both the buildx and classic paths.
#  - a containers-storage config (vfs, graphroot and runroot in the state dir) for buildah.
# Sourced.

# Survives `down` (the state dir does not), so `down` + `up` does not download again.
TESTBED_CACHE="${SWITCHYARD_TESTBED_CACHE:-/var/cache/switchyard-testbed}"
BUILDX_SUITE=trixie
BUILDX_DOCKER_CONFIG="$TESTBED_STATE/docker-buildx"
BUILDX_PLUGIN="$BUILDX_DOCKER_CONFIG/cli-plugins/docker-buildx"
BUILDX_LOG="$TESTBED_STATE/buildx-apt.log"
BUILDX_VERSION=''
BUILDX_ACTION=''
# Not named CONTAINERS_STORAGE_CONF: that name, if exported, would redirect every buildah.
TESTBED_STORAGE_DIR="$TESTBED_STATE/containers"
TESTBED_STORAGE_CONF="$TESTBED_STORAGE_DIR/storage.conf"
BUILDAH_VERSION=''

# `docker buildx version` with the testbed's DOCKER_CONFIG; sets BUILDX_VERSION.
buildx_works() {
  local out
  out=$(DOCKER_CONFIG=$BUILDX_DOCKER_CONFIG timeout 20 docker buildx version 2>&1) || return 1
  [[ $out == github.com/docker/buildx* ]] || return 1
  BUILDX_VERSION=$out
}

# True when the default `docker` (no DOCKER_CONFIG) has a buildx plugin.
default_docker_has_buildx() { env -u DOCKER_CONFIG timeout 20 docker buildx version >/dev/null 2>&1; }

# The newest cached docker-buildx .deb, or nothing.
cached_buildx_deb() {
  local debs=()
  shopt -s nullglob
  debs=("$TESTBED_CACHE"/docker-buildx_*.deb)
  shopt -u nullglob
  ((${#debs[@]})) || return 0
  printf '%s\n' "${debs[@]}" | sort -V | tail -n 1
}

# The host's Debian mirror (the first non-security URI apt uses), so no host name is hard-coded.
debian_mirror() {
  local mirror=''
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $mirror && -f /etc/apt/sources.list ]]; then
    mirror=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' \
      /etc/apt/sources.list)
  fi
  [[ -n $mirror ]] || die "docker buildx: no Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  printf '%s\n' "${mirror%/}"
}

# Downloads docker-buildx from $BUILDX_SUITE into $TESTBED_CACHE with apt, using private lists and
# cache (the system's apt state is not touched); prints the .deb's path.
download_buildx_deb() {
  local mirror apt_dir="$TESTBED_CACHE/apt-$BUILDX_SUITE" deb started
  local -a opts
  mirror=$(debian_mirror)
  started=$(now_ms)
  log "downloading docker-buildx from Debian $BUILDX_SUITE ($mirror; log: $BUILDX_LOG)"
  rm -rf "$apt_dir"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/dl" ||
    die "docker buildx: cannot create $apt_dir"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
    "$mirror" "$BUILDX_SUITE" >"$apt_dir/sources.list"
  opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
    -o APT::Sandbox::User=root)
  if ! { timeout 300 apt-get "${opts[@]}" update -qq &&
    (cd "$apt_dir/dl" && timeout 300 apt-get "${opts[@]}" download docker-buildx); } \
    >"$BUILDX_LOG" 2>&1; then
    tail_log "$BUILDX_LOG"
    die "docker buildx: could not fetch docker-buildx from Debian $BUILDX_SUITE ($mirror)"
  fi
  deb=$(find "$apt_dir/dl" -maxdepth 1 -name 'docker-buildx_*.deb' | head -n 1)
  [[ -n $deb ]] || {
    tail_log "$BUILDX_LOG"
    die "docker buildx: apt-get download left no docker-buildx_*.deb in $apt_dir/dl"
  }
  rm -f "$TESTBED_CACHE"/docker-buildx_*.deb
  mv "$deb" "$TESTBED_CACHE/"
  rm -rf "$apt_dir"
  log "downloaded $(basename "$deb") ($(($(now_ms) - started)) ms)"
  printf '%s\n' "$TESTBED_CACHE/$(basename "$deb")"
}

# Unpacks the plugin binary from .deb $1 into $BUILDX_PLUGIN. Returns 1 if the .deb is broken.
install_buildx_plugin() {
  local deb=$1 tmp="$TESTBED_STATE/build/buildx-deb"
  rm -rf "$tmp"
  mkdir -p "$tmp" "$(dirname "$BUILDX_PLUGIN")"
  if ! dpkg-deb -x "$deb" "$tmp" >>"$BUILDX_LOG" 2>&1 ||
    [[ ! -x $tmp/usr/libexec/docker/cli-plugins/docker-buildx ]]; then
    rm -rf "$tmp"
    return 1
  fi
  install -m 0755 "$tmp/usr/libexec/docker/cli-plugins/docker-buildx" "$BUILDX_PLUGIN.tmp"
  mv "$BUILDX_PLUGIN.tmp" "$BUILDX_PLUGIN"
  rm -rf "$tmp"
}

# Ensures $BUILDX_DOCKER_CONFIG has a working buildx plugin and the default docker has none.
ensure_buildx() {
  local deb
  if [[ -x $BUILDX_PLUGIN ]] && buildx_works; then
    BUILDX_ACTION='in place'
  else
    mkdir -p "$TESTBED_CACHE" || die "docker buildx: cannot create the cache dir $TESTBED_CACHE"
    deb=$(cached_buildx_deb)
    BUILDX_ACTION="unpacked from the cached $(basename "${deb:-none}")"
    if [[ -z $deb ]] || ! install_buildx_plugin "$deb"; then
      [[ -n $deb ]] && log "cached $deb is unusable; downloading again"
      deb=$(download_buildx_deb) || exit 1
      BUILDX_ACTION="downloaded $(basename "$deb")"
      install_buildx_plugin "$deb" || {
        tail_log "$BUILDX_LOG"
        die "docker buildx: $deb has no usr/libexec/docker/cli-plugins/docker-buildx"
      }
    fi
    buildx_works || {
      DOCKER_CONFIG=$BUILDX_DOCKER_CONFIG docker buildx version 2>&1 | tail -n 10 | sed 's/^/  | /' >&2
      die "docker buildx: 'DOCKER_CONFIG=$BUILDX_DOCKER_CONFIG docker buildx version' fails"
    }
    log "docker buildx ready in $BUILDX_DOCKER_CONFIG ($BUILDX_ACTION)"
  fi
  if default_docker_has_buildx; then
    die "docker buildx: the default 'docker' (no DOCKER_CONFIG) has a buildx plugin, so the classic build path cannot be tested; remove it (e.g. apt-get remove docker-buildx, or ~/.docker/cli-plugins/docker-buildx)"
  fi
}

# The containers-storage config that keeps buildah's images and containers in the state dir.
storage_conf_text() {
  printf '# Written by scripts/testbed (switchyard): buildah storage inside the testbed state dir.\n'
  printf '# Use with CONTAINERS_STORAGE_CONF=%s\n' "$TESTBED_STORAGE_CONF"
  printf '[storage]\ndriver = "vfs"\nrunroot = "%s"\ngraphroot = "%s"\n' \
    "$TESTBED_STORAGE_DIR/run" "$TESTBED_STORAGE_DIR/storage"
}

# Runs buildah against the testbed storage (the config file alone decides where it goes).
testbed_buildah() { CONTAINERS_STORAGE_CONF=$TESTBED_STORAGE_CONF timeout 60 buildah "$@"; }

ensure_buildah_storage() {
  local text log="$TESTBED_STORAGE_DIR/check.log"
  command -v buildah >/dev/null || die "buildah: not installed"
  BUILDAH_VERSION=$(buildah --version 2>&1) || die "buildah: 'buildah --version' fails: $BUILDAH_VERSION"
  mkdir -p "$TESTBED_STORAGE_DIR/storage" "$TESTBED_STORAGE_DIR/run"
  text=$(storage_conf_text)
  [[ $(cat "$TESTBED_STORAGE_CONF" 2>/dev/null) == "$text" ]] ||
    printf '%s\n' "$text" >"$TESTBED_STORAGE_CONF"
  if ! testbed_buildah images >"$log" 2>&1; then
    tail_log "$log"
    die "buildah: 'CONTAINERS_STORAGE_CONF=$TESTBED_STORAGE_CONF buildah images' fails"
  fi
  [[ -d $TESTBED_STORAGE_DIR/storage/vfs-images ]] || {
    tail_log "$log"
    die "buildah: storage did not land in $TESTBED_STORAGE_DIR/storage (no vfs-images)"
  }
}

# Before the state dir goes: remove buildah's containers (best effort) and make sure nothing is
# mounted below the state dir, so `rm -rf` cannot reach into a mount.
release_buildah_storage() {
  local mounts mount
  if [[ -f $TESTBED_STORAGE_CONF ]] && command -v buildah >/dev/null; then
    testbed_buildah rm --all >/dev/null 2>&1 || log "buildah rm --all failed; removing the storage anyway"
  fi
  mounts=$(awk -v dir="$TESTBED_STATE/" 'index($2, dir) == 1 {print $2}' /proc/self/mounts | sort -r)
  for mount in $mounts; do
    log "unmounting $mount"
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done
  mounts=$(awk -v dir="$TESTBED_STATE/" 'index($2, dir) == 1 {print $2}' /proc/self/mounts)
  [[ -z $mounts ]] || die "down: still mounted below $TESTBED_STATE: $mounts"
}
