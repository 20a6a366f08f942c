#!/bin/bash
# The two-process benchmark: two `workshop serve` processes on 127.0.0.1 sharing PostgreSQL
# and Redis (phones on :5101, the projector on :5102), then benchmarks.run against them.
# Needs PostgreSQL and Redis on 127.0.0.1 with their default ports (as on the development and
# CI machines). Extra arguments go to benchmarks.run (e.g. --no-baseline --burst 10 --py-spy).
#
#   bash benchmarks/two_processes.sh [--json FILE] [benchmarks.run arguments...]
set -u
cd "$(dirname "$0")/.."
JSON=benchmarks/results/two-process-pg-redis.json
if [ "${1:-}" = "--json" ]; then JSON=$2; shift 2; fi
WORK=$(mktemp -d)
PSQL="psql -q -h 127.0.0.1 -U postgres -d test"
$PSQL -c "DROP DATABASE IF EXISTS workshop_bench" 2>/dev/null
$PSQL -c "CREATE DATABASE workshop_bench"
redis-cli -h 127.0.0.1 -n 1 flushdb >/dev/null
export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/workshop_bench
export WORKSHOP_MESSAGE_QUEUE=redis://127.0.0.1:6379/0 WORKSHOP_MESSAGE_QUEUE_CHANNEL=workshop-bench
WORKSHOP_SECRET_KEY=$(python3 -c "import secrets; print(secrets.token_hex(32))")
export WORKSHOP_SECRET_KEY WORKSHOP_FACILITATOR_SECRET=bench-secret WORKSHOP_TRUST_PROXY=1
export WORKSHOP_RATELIMIT_STORAGE=redis://127.0.0.1:6379/1 WORKSHOP_INSTANCE_PATH=$WORK/instance

start() {  # its own session, so it is stopped by its process group
    setsid .venv/bin/workshop serve --host 127.0.0.1 --port "$1" > "$WORK/serve-$1.log" 2>&1 &
    echo $!
}
wait_for() {
    for _ in $(seq 60); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 1; done
    echo "the server on :$1 did not start:"; cat "$WORK/serve-$1.log"; return 1
}
stop() {
    kill -TERM -- "-$PHONES" "-$PROJECTOR" 2>/dev/null
    sleep 3
    kill -KILL -- "-$PHONES" "-$PROJECTOR" 2>/dev/null
    rm -rf "$WORK"
}
PHONES=$(start 5101)       # first: it migrates the database
PROJECTOR=0
trap stop EXIT
wait_for 5101 || exit 1
PROJECTOR=$(start 5102)
wait_for 5102 || exit 1
timeout 1500 .venv/bin/python -m benchmarks.run --participants 2000 --url http://127.0.0.1:5101 \
    --projector-url http://127.0.0.1:5102 \
    --database-url postgresql://postgres@127.0.0.1:5432/workshop_bench \
    --facilitator-secret bench-secret --server-pid "$PHONES" --quiet-wait 30 \
    --json "$JSON" "$@"
