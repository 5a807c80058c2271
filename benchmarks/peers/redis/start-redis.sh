#!/usr/bin/env bash
# Redis for the heap-2w benchmark peer (ZADD/ZPOPMIN on loopback).
#   start-redis.sh install      installs redis-server from Debian when missing (exit 0 when it is there after)
#   start-redis.sh run PORT     runs redis-server in the foreground on 127.0.0.1:PORT, no persistence
# The harness starts "run" as its own child and kills it at the end; nothing listens beyond 127.0.0.1.
set -euo pipefail

find_redis() {
  command -v redis-server 2>/dev/null || { [[ -x /usr/bin/redis-server ]] && echo /usr/bin/redis-server; } || true
}

case "${1:-}" in
  install)
    if [[ -n "$(find_redis)" ]]; then exit 0; fi
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "redis-server missing and no apt-get to install it" >&2; exit 3
    fi
    if [[ "$(id -u)" != 0 ]]; then
      echo "redis-server missing and not root: cannot apt-get install it" >&2; exit 3
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q redis-server >&2; then
      apt-get update -q >&2 && apt-get install -y -q redis-server >&2 || {
        echo "apt-get install redis-server failed" >&2; exit 3; }
    fi
    # Debian may start a system service on install: the benchmark uses its own instance only.
    if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
    [[ -n "$(find_redis)" ]] || { echo "redis-server still missing after install" >&2; exit 3; }
    ;;
  run)
    PORT="${2:?port}"
    REDIS="$(find_redis)"
    [[ -n "$REDIS" ]] || { echo "redis-server not installed (run: $0 install)" >&2; exit 3; }
    exec "$REDIS" --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no --protected-mode yes \
      --daemonize no --logfile '' --loglevel warning --dir "${TMPDIR:-/tmp}"
    ;;
  *)
    echo "usage: $0 install | run PORT" >&2; exit 2
    ;;
esac
