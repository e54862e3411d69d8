#!/usr/bin/env bash
# Start or stop the project's private PostgreSQL and Redis.
#
# Usage: scripts/services.sh start|stop|env
#
# When DATABASE_URL / REDIS_URL are already set, the matching service is left alone.
# Otherwise a private instance is started under .services/ on a free local port, installed
# from the OS packages first when missing. Instances are stopped by their own pid file and
# data folder, never by process name, so other servers on the machine are never touched.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="${TRIAGE_SERVICES_DIR:-$ROOT/.services}"
PG_DIR="$STATE/pg"
REDIS_DIR="$STATE/redis"
ENV_FILE="$STATE/env"
# The services the last `start` started itself (empty when it found them running), so that
# `make demo` stops on Ctrl-C only what it started.
STARTED_FILE="$STATE/started"

log() { printf 'services: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -q "$@" >/dev/null 2>&1 || {
    as_root apt-get update -q >/dev/null 2>&1
    as_root apt-get install -y -q "$@" >/dev/null
  }
}

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    local v; v=$(basename "$(dirname "$d")")
    if [ "${v%%.*}" -ge 15 ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Run a command as the postgres OS user when we are root (initdb refuses to run as root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_pg() {
  if [ -n "${DATABASE_URL:-}" ]; then log "using DATABASE_URL from the environment"; return; fi
  local bin; bin=$(pg_bindir) || { log "installing postgresql"; apt_install postgresql; bin=$(pg_bindir); }
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || as_root useradd --system --home "$PG_DIR" postgres
    chown -R postgres "$PG_DIR"
    chmod 755 "$STATE"
  fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$PG_DIR/data" -U triage --auth=trust -E UTF8 --no-locale >/dev/null
    cat >> "$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
max_connections = 200
CONF
  fi
  local port
  if [ -f "$PG_DIR/port" ] && as_pg "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    port=$(cat "$PG_DIR/port")
  else
    port=${TRIAGE_PG_PORT:-$(free_port)}
    as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -o "-p $port" -l "$PG_DIR/log" -w start >/dev/null
    echo "$port" > "$PG_DIR/port"
    echo postgresql >> "$STARTED_FILE"
    "$bin/psql" -h 127.0.0.1 -p "$port" -U triage -d postgres -tAc \
      "select 1 from pg_database where datname='triage'" | grep -q 1 \
      || "$bin/createdb" -h 127.0.0.1 -p "$port" -U triage triage
  fi
  echo "DATABASE_URL=postgresql://triage@127.0.0.1:$port/triage" >> "$ENV_FILE"
  log "postgresql on 127.0.0.1:$port (data $PG_DIR/data)"
}

start_redis() {
  if [ -n "${REDIS_URL:-}" ]; then log "using REDIS_URL from the environment"; return; fi
  command -v redis-server >/dev/null || { log "installing redis-server"; apt_install redis-server; }
  mkdir -p "$REDIS_DIR"
  local port
  if [ -f "$REDIS_DIR/pid" ] && kill -0 "$(cat "$REDIS_DIR/pid")" 2>/dev/null; then
    port=$(cat "$REDIS_DIR/port")
  else
    port=${TRIAGE_REDIS_PORT:-$(free_port)}
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
      --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/pid" --logfile "$REDIS_DIR/log" >/dev/null
    for _ in $(seq 50); do [ -s "$REDIS_DIR/pid" ] && break; sleep 0.1; done
    echo "$port" > "$REDIS_DIR/port"
    echo redis >> "$STARTED_FILE"
  fi
  echo "REDIS_URL=redis://127.0.0.1:$port/0" >> "$ENV_FILE"
  log "redis on 127.0.0.1:$port"
}

stop_all() {
  local bin
  if [ -f "$PG_DIR/data/PG_VERSION" ] && bin=$(pg_bindir); then
    as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 && log "postgresql stopped" || true
  fi
  if [ -f "$REDIS_DIR/pid" ]; then
    kill "$(cat "$REDIS_DIR/pid")" 2>/dev/null && log "redis stopped" || true
    rm -f "$REDIS_DIR/pid"
  fi
  rm -f "$ENV_FILE" "$STARTED_FILE"
}

case "${1:-}" in
  start)
    mkdir -p "$STATE"; : > "$ENV_FILE"; : > "$STARTED_FILE"
    start_pg; start_redis; cat "$ENV_FILE" ;;
  stop) stop_all ;;
  env) cat "$ENV_FILE" 2>/dev/null || true ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
