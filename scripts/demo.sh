#!/usr/bin/env bash
# Run the demo: a local AWS emulator seeded with a sample estate, the whole pipeline, and
# the API and dashboards in the foreground. Ctrl-C stops everything this script started.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
DEMO="$ROOT/.demo"
mkdir -p "$DEMO"

# `make services` ran just before this script; it lists what it started itself. Services
# that were already running (say, left by `make test`) are left running on Ctrl-C.
STARTED_SERVICES=0
[ -s .services/started ] && STARTED_SERVICES=1

cleanup() {
  trap - EXIT INT TERM
  echo "stopping the demo..."
  local pids=()
  for pidfile in "$DEMO"/*.pid; do
    [ -f "$pidfile" ] || continue
    pids+=("$(cat "$pidfile")")
    kill "${pids[-1]}" 2>/dev/null || true
    rm -f "$pidfile"
  done
  # The Dagster webserver ignores TERM while it starts up; give each child ten seconds,
  # then stop it for good, so no server outlives the demo and holds its port.
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$STARTED_SERVICES" = 1 ]; then scripts/services.sh stop; fi
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The emulator gets fake credentials; real accounts use the normal AWS credential chain.
MOTO_PORT="${TRIAGE_MOTO_PORT:-$(free_port)}"
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
export TRIAGE_AWS_REGIONS="${TRIAGE_AWS_REGIONS:-us-east-1,eu-west-1}"
"$BIN/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$DEMO/moto.log" 2>&1 &
echo $! > "$DEMO/moto.pid"
for _ in $(seq 100); do
  curl -s -o /dev/null "$AWS_ENDPOINT_URL" && break
  sleep 0.1
done
echo "AWS emulator (moto) on $AWS_ENDPOINT_URL"

echo "seeding the sample estate..."
# A fresh emulator each run: rows and cached look-ups of an earlier run are stale.
"$BIN/triage" demo-seed --reset > "$DEMO/seed.json"
BUCKET_URI=$("$BIN/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["bucket_uri"])' "$DEMO/seed.json")
QUEUE_URL=$("$BIN/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["queue_url"])' "$DEMO/seed.json")
export TRIAGE_SQS_QUEUE_URL="$QUEUE_URL"
export TRIAGE_EXPORT_LOCATIONS="$BUCKET_URI"
# Resource context: Config history and CloudTrail trail files the seed wrote, read through
# the demo role of each account (so look-ups see that account's buckets and users).
read_context() { "$BIN/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["resource_context"][sys.argv[2]])' "$DEMO/seed.json" "$1"; }
export TRIAGE_CLOUDTRAIL_LOCATIONS="$(read_context cloudtrail_uri)"
export TRIAGE_AWS_CONFIG_LOCATIONS="$(read_context aws_config_uri)"
export TRIAGE_CLOUDTRAIL_LOOKBACK_DAYS="${TRIAGE_CLOUDTRAIL_LOOKBACK_DAYS:-400}"
export TRIAGE_AWS_ACCOUNTS="${TRIAGE_AWS_ACCOUNTS:-$("$BIN/python" -c 'import json; from triage.demo.generator import DEFAULT_ACCOUNTS as A; print(json.dumps([{"account_id": a, "role_arn": f"arn:aws:iam::{a}:role/triage-demo-seeder", "external_id": "triage-demo"} for a in A]))')}"

echo "running the pipeline (Dagster: GetFindings, $BUCKET_URI, Config, CloudTrail, resources, dbt)..."
export DAGSTER_HOME="$DEMO/dagster_home"
mkdir -p "$DAGSTER_HOME"
"$BIN/dagster" asset materialize -m pipelines.definitions --select '*' >"$DEMO/materialize.log" 2>&1 || {
  echo "pipeline failed; see $DEMO/materialize.log"; tail -30 "$DEMO/materialize.log"; exit 1; }
echo "draining the SQS feed..."
"$BIN/triage" ingest --from-sqs --json
"$BIN/triage" build --quiet >"$DEMO/build.log" 2>&1 || { tail -30 "$DEMO/build.log"; exit 1; }

# One user per role, each with a fresh random password when it is created. A database kept
# from an earlier demo keeps its users and their passwords; those are read back from
# users.txt, where the run that created them wrote them.
echo "creating demo users..."
touch "$DEMO/users.txt"
for role in admin engineer viewer; do
  password="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(12))')"
  if printf '%s\n' "$password" | "$BIN/triage" users create --username "demo-$role" --role "$role" >/dev/null 2>&1; then
    echo "  $role: demo-$role / $password" | tee -a "$DEMO/users.txt"
  else
    earlier="$(grep "^  $role: demo-$role / " "$DEMO/users.txt" | tail -1 || true)"
    if [ -n "$earlier" ]; then
      echo "$earlier (created by an earlier demo)"
    else
      echo "  $role: demo-$role already exists; its password is not in $DEMO/users.txt" \
        "(an admin can set one with PATCH /api/v1/users/{id}; \`make clean\` starts afresh)"
    fi
  fi
done

"$BIN/dagster-webserver" -m pipelines.definitions -h 127.0.0.1 -p "${TRIAGE_DAGSTER_PORT:-3000}" \
  >"$DEMO/dagster.log" 2>&1 &
echo $! > "$DEMO/dagster.pid"
DAGSTER_URL="http://127.0.0.1:${TRIAGE_DAGSTER_PORT:-3000}"
# Printed once it answers, like the API and the dashboards (it takes a while to start).
(
  for _ in $(seq 300); do
    if curl -s -o /dev/null "$DAGSTER_URL/"; then echo "Dagster UI: $DAGSTER_URL"; exit 0; fi
    sleep 1
  done
  echo "Dagster UI did not answer within 5 minutes; see $DEMO/dagster.log"
) &
echo $! > "$DEMO/dagster-wait.pid"
echo "Press Ctrl-C to stop everything."
"$BIN/triage" serve
