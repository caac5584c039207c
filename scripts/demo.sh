#!/usr/bin/env bash
# `npm run demo`: from a fresh checkout to a real, encrypted backup of a demo database.
set -euo pipefail
cd "$(dirname "$0")/.."
DEMO=.demo
mkdir -p "$DEMO"

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "[demo] Installing dependencies"
  npm install --no-audit --no-fund
fi

# Secrets are generated once and kept, so older demo backups stay decryptable.
if [[ ! -f $DEMO/demo.env ]]; then
  umask 077
  cat > "$DEMO/demo.env" <<ENV
BACKUP_ADMIN_API_KEY=$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))")
BACKUP_TRIGGER_API_KEY=$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))")
BACKUP_ENCRYPTION_KEY=$(node -e "process.stdout.write(require('crypto').randomBytes(32).toString('hex'))")
ENV
  echo "[demo] Generated demo keys in $DEMO/demo.env"
fi
set -a
# shellcheck disable=SC1091
. "$DEMO/demo.env"
set +a

# Anything already set in the environment wins over these demo defaults.
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export CATALOG_DATABASE_URL=${CATALOG_DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:5432/kanbu_backup}
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:5432/kanbu}
export BACKUP_LOCAL_PATH=${BACKUP_LOCAL_PATH:-$PWD/$DEMO/backups}
export BACKUP_SCHEDULER_MODE=${BACKUP_SCHEDULER_MODE:-both}
export PORT=${PORT:-3000}

# Everything the demo's processes run with, so the CLI can be pointed at the same installation.
(umask 077; { cat "$DEMO/demo.env"; for v in REDIS_URL CATALOG_DATABASE_URL DATABASE_URL BACKUP_LOCAL_PATH BACKUP_SCHEDULER_MODE PORT; do echo "$v=${!v}"; done; } >"$DEMO/env")

bash scripts/services.sh
echo "[demo] Building"
npm run -s build
node dist/scripts/migrate.js
node dist/scripts/demo-seed.js

bash scripts/stop.sh quiet
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "[demo] Port $PORT is already in use by another program; set PORT=<free port> and run again" >&2
  exit 1
fi
echo "[demo] Starting the API on :$PORT and one worker (logs in $DEMO/api.log and $DEMO/worker.log)"
nohup node dist/services/api/main.js >"$DEMO/api.log" 2>&1 </dev/null &
echo $! >"$DEMO/api.pid"
nohup node dist/services/worker/main.js >"$DEMO/worker.log" 2>&1 </dev/null &
echo $! >"$DEMO/worker.pid"

node dist/scripts/demo-backup.js
echo "CLI         set -a; . $DEMO/env; set +a; npm run -s cli -- list   (or: restore <id> --target-database kanbu_copy)"
