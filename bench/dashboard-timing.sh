#!/usr/bin/env bash
# Times the dashboard on a store: the trials page (its HTML and its first page of rows, sorted by
# final test accuracy) and the curves of 50 trials (the first request reads their epochs files, the
# second finds them cached). Usage: bench/dashboard-timing.sh STORE [PORT]
# Make the store with: bin/bopsweep store synthesize STORE --trials 10000 --epochs 100
set -euo pipefail
STORE="$1"
PORT="${2:-18999}"
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
grep -m1 'model name' /proc/cpuinfo
echo "cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
"$HOME_DIR/bin/bopsweep" serve --results "$STORE" --port "$PORT" > /tmp/bopsweep-dashboard-timing.log 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT
until grep -q 'dashboard of' /tmp/bopsweep-dashboard-timing.log; do
  kill -0 $SERVER || { cat /tmp/bopsweep-dashboard-timing.log; exit 1; }
  sleep 0.5
done
echo "serve: indexed the store and listening after $(awk "BEGIN{print $(date +%s.%N) - $start}") s: $(cat /tmp/bopsweep-dashboard-timing.log)"
URL="http://127.0.0.1:$PORT"
t() { curl -sf -o /dev/null -w '%{time_total}' "$@"; }
for run in 1 2 3; do
  html=$(t "$URL/trials")
  rows=$(t "$URL/api/trials?sort=final_test_acc&desc=true&offset=0&limit=100")
  echo "trials page, run $run: HTML $html s + rows $rows s"
done
IDS=$(curl -sf "$URL/api/trials?sort=trial_id&limit=50" | python3 -c 'import json,sys; print(",".join(r["trial_id"] for r in json.load(sys.stdin)["rows"]))')
echo "curves of 50 trials, first (epochs files read): $(t "$URL/api/curves?ids=$IDS") s"
for run in 1 2; do
  echo "curves of 50 trials, again (cached): $(t "$URL/api/curves?ids=$IDS") s"
done
