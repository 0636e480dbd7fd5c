#!/usr/bin/env bash
# Installs the system packages the test suite needs on a fresh Debian machine:
# PostgreSQL server binaries (the suite starts its own throwaway server) and
# the CNCF distribution registry (import tests push to and pull from it),
# htpasswd (apache2-utils) for the registry fixture with Basic auth, kubectl
# and openssl (the REST client tests drive kubectl over HTTPS with a
# certificate they make) and Debian's Chromium (browser tests drive it with
# playwright-core; no browser download).
# Already-present packages are left alone, so this is quick on a warm machine.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v chromium >/dev/null 2>&1 || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing system packages: ${need[*]} (install them with your package manager)" >&2
  exit 1
fi

echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
# policy-rc.d keeps the packages from starting system-wide services: tests start their own.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
