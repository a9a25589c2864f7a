#!/usr/bin/env bash
# Builds the nginx example without any registry image, the way switchyard's testbed packages its
# images:
#
#   examples/nginx/build.sh base BASE_TAG
#       Debian's nginx binary (/usr/sbin/nginx: `apt-get install nginx-light`) plus the shared
#       libraries ldd lists, /etc/passwd and /etc/group, as one layer made with `docker import`.
#   examples/nginx/build.sh app BASE_TAG IMAGE_TAG VERSION [ok|bad]
#       One release on top of it (Dockerfile here, legacy builder): nginx.conf, the site with
#       VERSION in its page and in /healthz, EXPOSE 80. `bad` answers 500 on `/` (bad.conf).
#
# Extra `docker build`/`docker import` labels: NGINX_EXAMPLE_LABELS="k=v k2=v2".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() {
  printf 'build.sh: %s\n' "$*" >&2
  exit 1
}
labels=()
for l in ${NGINX_EXAMPLE_LABELS:-}; do labels+=("$l"); done

build_base() {
  local tag=$1 nginx rootfs lib change=()
  nginx=$(readlink -f "$(command -v nginx || echo /usr/sbin/nginx)")
  [[ -x $nginx ]] || die "no nginx on this machine: apt-get install -y nginx-light"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' RETURN
  mkdir -p "$rootfs"/{usr/sbin,etc/nginx,run,tmp,var/lib/nginx,var/log/nginx,usr/share/nginx/html}
  chmod 1777 "$rootfs/tmp"
  cp -L "$nginx" "$rootfs/usr/sbin/nginx"
  for lib in $(ldd "$nginx" | grep -o '/[^ )]*'); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
  # nginx's workers run as `nobody` (its compiled-in default user), the master as root (port 80).
  printf '%s\n' 'root:x:0:0:root:/root:/bin/false' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
    >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$rootfs/etc/group"
  for l in "${labels[@]}"; do change+=(--change "LABEL $l"); done
  tar -C "$rootfs" --owner=0 --group=0 --numeric-owner -c . |
    docker import \
      --change 'ENV PATH=/usr/sbin:/usr/bin:/bin' \
      --change 'EXPOSE 80' \
      --change 'CMD ["nginx"]' \
      --change "LABEL org.opencontainers.image.title=nginx-runtime" \
      --change "LABEL org.opencontainers.image.version=$("$nginx" -v 2>&1 | sed 's|.*nginx/||')" \
      "${change[@]}" - "$tag" >/dev/null
}

build_app() {
  local base=$1 tag=$2 version=$3 variant=${4:-ok} ctx args=()
  [[ $version =~ ^[A-Za-z0-9_.+-]+$ ]] || die "version '$version': use letters, digits and ._+-"
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' RETURN
  cp "$here/Dockerfile" "$here/nginx.conf" "$ctx/"
  cp -r "$here/site" "$ctx/site"
  sed -i "s/@VERSION@/$version/g" "$ctx/site/index.html"
  printf 'set $app_version "%s";\n' "$version" >"$ctx/version.conf"
  case $variant in
    ok) : >"$ctx/variant.conf" ;;
    bad) cp "$here/bad.conf" "$ctx/variant.conf" ;;
    *) die "variant '$variant': ok or bad" ;;
  esac
  for l in "${labels[@]}"; do args+=(--label "$l"); done
  DOCKER_BUILDKIT=0 docker build -q --rm --force-rm --build-arg "BASE_IMAGE=$base" \
    --label "org.opencontainers.image.version=$version" --label "switchyard.example.variant=$variant" \
    "${args[@]}" -t "$tag" "$ctx" >/dev/null
}

case ${1:-} in
  base) (($# == 2)) || die "usage: build.sh base BASE_TAG"; build_base "$2" ;;
  app) (($# == 4 || $# == 5)) || die "usage: build.sh app BASE_TAG IMAGE_TAG VERSION [ok|bad]"; build_app "${@:2}" ;;
  *) die "usage: build.sh base BASE_TAG | build.sh app BASE_TAG IMAGE_TAG VERSION [ok|bad]" ;;
esac
