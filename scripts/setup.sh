#!/bin/sh
# berth's first command on a fresh Debian 12 machine (as root): install what is missing, build,
# put `berth` on PATH, make a busybox image offline and run a first container from it.
set -eu
cd "$(dirname "$0")/.."

# what berth needs to run containers
PKGS="runc conmon busybox-static tini attr zstd bzip2 xz-utils procps tar util-linux containernetworking-plugins aardvark-dns iproute2 iptables"
# rootless berth (ordinary users): newuidmap/newgidmap, the namespace's pause process, the
# network helper
PKGS="$PKGS uidmap catatonit slirp4netns"
# what the tests and `npm run bench` call besides: a registry on 127.0.0.1 with htpasswd users and
# TLS certificates, skopeo and podman for interop checks and side-by-side figures, crun, debootstrap
# for a Debian root filesystem, docker-compose 1.29 against `berth serve`. BERTH_SETUP_MINIMAL=1 leaves these out (berth itself runs without).
if [ "${BERTH_SETUP_MINIMAL:-0}" != 1 ]; then
  PKGS="$PKGS docker-registry apache2-utils openssl skopeo podman crun debootstrap python3 docker-compose wrk"
fi
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# a clean clone, or a lock file newer than what was installed (a dependency added since)
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent

# rootless networking (slirp4netns) opens /dev/net/tun as the user: Debian makes it 0666, some VMs
# ship it 0600, and then no ordinary user gets a network. Made usable here (it only hands out tap
# devices in the caller's own network namespace); BERTH_SETUP_KEEP_TUN=1 only reports it.
if [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then
  if [ "${BERTH_SETUP_KEEP_TUN:-0}" = 1 ]; then
    echo "warning: /dev/net/tun is mode $(stat -c %a /dev/net/tun): rootless containers get no network (fix: chmod 0666 /dev/net/tun)" >&2
  else
    chmod 0666 /dev/net/tun
    echo "made /dev/net/tun usable by ordinary users (mode 0666) for rootless networking"
  fi
fi
ln -sf "$(pwd)/bin/berth" /usr/local/bin/berth

if [ "${BERTH_SETUP_SKIP_DEMO:-0}" != 1 ]; then
  if ! berth image inspect busybox:latest >/dev/null 2>&1; then
    node scripts/make-busybox-image.mjs /tmp/berth-busybox.tar
    berth import /tmp/berth-busybox.tar busybox:latest >/dev/null
  fi
  berth run --rm busybox echo "hello from a berth container"
fi
