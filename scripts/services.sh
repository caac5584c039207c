#!/usr/bin/env bash
# Makes Redis and PostgreSQL (and the PostgreSQL client tools, zstd) reachable for the demo and the tests;
# `--bench` also installs what `npm run bench` needs (pigz, GNU time).
# Uses REDIS_URL / CATALOG_DATABASE_URL / DATABASE_URL when set. When a service on this machine is
# not running it is started; when it is not installed and we are root on Debian/Ubuntu, it is
# installed with apt-get; otherwise this prints exactly what to do and exits non-zero.
set -euo pipefail

REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
PG_URL=${CATALOG_DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:5432/postgres}

say() { printf '[services] %s\n' "$*"; }
die() { printf '[services] %s\n' "$*" >&2; exit 1; }

# host and port of a URL: scheme://[user[:pass]@]host[:port][/...]
url_host() { local rest=${1#*://}; rest=${rest##*@}; rest=${rest%%/*}; rest=${rest%%\?*}; echo "${rest%%:*}"; }
url_port() { local rest=${1#*://}; rest=${rest##*@}; rest=${rest%%/*}; rest=${rest%%\?*}; [[ $rest == *:* ]] && echo "${rest##*:}" || echo "$2"; }
is_local() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" "$2" && return 0; sleep 0.5; done; return 1; }
can_apt() { [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; }

APT_UPDATED=0
apt_install() {
  if [[ $APT_UPDATED -eq 0 ]]; then say "apt-get update"; DEBIAN_FRONTEND=noninteractive apt-get update -qq; APT_UPDATED=1; fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_redis() {
  local host port; host=$(url_host "$REDIS_URL"); port=$(url_port "$REDIS_URL" 6379)
  if port_open "$host" "$port"; then say "Redis is reachable at $host:$port"; return; fi
  is_local "$host" || die "Redis at $host:$port is not reachable. Start it, or point REDIS_URL at a running Redis."
  if ! command -v redis-server >/dev/null; then
    can_apt || die "Redis is not installed. As root run: apt-get install -y redis-server   (or: docker compose up -d redis)"
    apt_install redis-server
  fi
  say "Starting redis-server on 127.0.0.1:$port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir /tmp >/dev/null
  wait_port 127.0.0.1 "$port" || die "redis-server did not start on port $port"
}

pg_version_dir() { ls -1 /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1; }

ensure_pg_client() {
  command -v pg_dump >/dev/null && command -v psql >/dev/null && return
  can_apt || die "pg_dump/psql are not installed. As root run: apt-get install -y postgresql-client"
  apt_install postgresql-client
}

ensure_postgres() {
  local host port; host=$(url_host "$PG_URL"); port=$(url_port "$PG_URL" 5432)
  if port_open "$host" "$port"; then say "PostgreSQL is reachable at $host:$port"; ensure_pg_client; return; fi
  is_local "$host" || die "PostgreSQL at $host:$port is not reachable. Start it, or point CATALOG_DATABASE_URL at a running server."
  if [[ -z $(pg_version_dir) ]]; then
    can_apt || die "PostgreSQL is not installed. As root run: apt-get install -y postgresql   (or: docker compose up -d postgres)"
    apt_install postgresql
  fi
  local version; version=$(pg_version_dir)
  if command -v pg_lsclusters >/dev/null; then
    if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
      say "Creating PostgreSQL $version cluster 'main' on port $port"
      pg_createcluster "$version" main --port "$port" >/dev/null
    fi
    say "Starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start
  else
    die "PostgreSQL is installed but not running, and pg_ctlcluster is missing. Start it with your service manager."
  fi
  wait_port 127.0.0.1 "$port" || die "PostgreSQL did not start on port $port"
  ensure_pg_client
  # A fresh Debian cluster only allows peer auth for postgres; give it the password our URL uses.
  local password; password=$(sed -E 's#^[a-z]+://[^:/@]*:([^@]*)@.*#\1#;t;d' <<<"$PG_URL")
  if [[ -n $password ]] && ! PGPASSWORD=$password psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc 'select 1' >/dev/null 2>&1; then
    say "Setting the password of role postgres for TCP connections"
    runuser -u postgres -- psql -p "$port" -qc "ALTER ROLE postgres PASSWORD '${password//\'/\'\'}'" >/dev/null
  fi
}

# A command-line tool by its Debian package: zstd for BACKUP_COMPRESSION=zstd; with --bench also
# the baselines `npm run bench` compares against (pigz) and GNU time for its memory column.
ensure_tool() {
  command -v "$1" >/dev/null && return
  can_apt || die "$1 is not installed. As root run: apt-get install -y $2"
  apt_install "$2"
}

ensure_redis
ensure_postgres
ensure_tool zstd zstd
if [[ ${1:-} == --bench ]]; then
  ensure_tool pigz pigz
  ensure_tool /usr/bin/time time
fi
