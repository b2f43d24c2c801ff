#!/usr/bin/env bash
# The NATS tests need Debian's nats-server (2.9.x). Idempotent: does nothing when it is on PATH.
set -euo pipefail
if command -v nats-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "nats-server is missing; install it with: sudo apt-get install -y nats-server" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq nats-server >/dev/null
command -v nats-server >/dev/null
