#!/bin/sh
# berth's first command on a fresh Debian 12 machine (as root): install what is missing, build,
# put `berth` on PATH, make a busybox image offline and run a first container from it.
set -eu
cd "$(dirname "$0")/.."

PKGS="runc conmon busybox-static tini attr zstd bzip2 xz-utils procps tar util-linux containernetworking-plugins aardvark-dns iproute2 iptables"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
# podman and skopeo are only needed by interop tests and `npm run bench`
if [ "${BERTH_SETUP_EXTRAS:-0}" = 1 ]; then
  for p in podman skopeo; do
    dpkg -s "$p" >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman skopeo >/dev/null; break; }
  done
fi

[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent
ln -sf "$(pwd)/bin/berth" /usr/local/bin/berth

if [ "${BERTH_SETUP_SKIP_DEMO:-0}" != 1 ]; then
  if ! berth image inspect busybox:latest >/dev/null 2>&1; then
    node scripts/make-busybox-image.mjs /tmp/berth-busybox.tar
    berth import /tmp/berth-busybox.tar busybox:latest >/dev/null
  fi
  berth run --rm busybox echo "hello from a berth container"
fi
