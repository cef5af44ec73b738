#!/usr/bin/env bash
# Times the dashboard on a store: how soon `serve` listens, the trials page while the trials files
# are still being read in the background and how long reading them all takes, then the trials page
# (its HTML and its first page of rows, sorted by final test accuracy) and the curves of 50 trials
# (the first request reads their epochs files, the second finds them cached); with each curves
# request, the server's CPU seconds while it answered (less noisy than wall time on a loaded machine).
# Then it stops `serve` and starts it again: how soon the second one has every trials row, from the
# index cache the first one wrote. Both use an empty cache directory of their own (XDG_CACHE_HOME),
# so the first reads every trials file whatever ran before; the class archive stays where it is.
# Usage: bench/dashboard-timing.sh STORE [PORT]
# Make the store with: bin/bopsweep store synthesize STORE --trials 10000 --epochs 100
set -euo pipefail
STORE="$1"
PORT="${2:-18999}"
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG="$(mktemp)"
export BOPSWEEP_CDS_DIR="${BOPSWEEP_CDS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bopsweep/cds}"
XDG_CACHE_HOME="$(mktemp -d)"
export XDG_CACHE_HOME
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER; rm -rf "$LOG" "$XDG_CACHE_HOME"' EXIT
grep -m1 'model name' /proc/cpuinfo
echo "cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "build: $(git -C "$HOME_DIR" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')$(git -C "$HOME_DIR" status --porcelain 2>/dev/null | grep -q . && echo ' with uncommitted changes'); $(date -u '+%Y-%m-%d %H:%M UTC')"
now() { date +%s.%N; }
since() { awk "BEGIN{printf \"%.2f\", $(now) - $1}"; }
URL="http://127.0.0.1:$PORT"
t() { curl -sf -o /dev/null -w '%{time_total}' "$@"; }
# CPU seconds (user + system) the server has used so far, all its threads
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$SERVER/stat"; }
# wall seconds of a request, and the server's CPU seconds while it answered
tc() { local before after wall; before=$(cpu); wall=$(t "$@"); after=$(cpu); echo "$wall s (server CPU $(awk "BEGIN{printf \"%.2f\", $after - $before}") s)"; }
indexing() { curl -sf "$URL/api/trials?limit=0" | python3 -c 'import json,sys; t=json.load(sys.stdin); i=t["indexing"]; print("done" if i is None else "%d of %d" % (i["read"], i["total"]))'; }
serve() {
  start=$(now)
  : > "$LOG"
  "$HOME_DIR/bin/bopsweep" serve --results "$STORE" --port "$PORT" > "$LOG" 2>&1 &
  SERVER=$!
  until grep -q 'dashboard of' "$LOG"; do
    kill -0 $SERVER || { cat "$LOG"; exit 1; }
    sleep 0.1
  done
  echo "serve: listening after $(since "$start") s: $(cat "$LOG")"
}
until_indexed() {
  until [ "$(indexing)" = done ]; do
    sleep 0.5
  done
  echo "every trials file read $(since "$start") s after serve started, server CPU $(cpu) s so far; $(curl -sf "$URL/api/trials?limit=0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])') trials"
}

serve
html=$(t "$URL/trials")
rows=$(t "$URL/api/trials?sort=final_test_acc&desc=true&offset=0&limit=100")
echo "trials page while indexing: HTML $html s + rows $rows s ($(indexing) trials files read)"
until_indexed
for run in 1 2 3; do
  html=$(t "$URL/trials")
  rows=$(t "$URL/api/trials?sort=final_test_acc&desc=true&offset=0&limit=100")
  echo "trials page, run $run: HTML $html s + rows $rows s"
done
IDS=$(curl -sf "$URL/api/trials?sort=trial_id&limit=50" | python3 -c 'import json,sys; print(",".join(r["trial_id"] for r in json.load(sys.stdin)["rows"]))')
echo "curves of 50 trials, first (epochs files read): $(tc "$URL/api/curves?ids=$IDS")"
for run in 1 2; do
  echo "curves of 50 trials, again (cached): $(tc "$URL/api/curves?ids=$IDS")"
done
kill $SERVER
wait $SERVER 2>/dev/null || true
echo "index cache: $(du -sh "$XDG_CACHE_HOME/bopsweep/dashboard" | cut -f1)"
echo "restart (the index cache written by the first serve):"
serve
until_indexed
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
