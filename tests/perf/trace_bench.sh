#!/usr/bin/env bash
# The cost of smtpd --trace, side by side: alternating rounds of the same multiclient load on
# smtpd without and with a trace, durable and with --durability none; the ratio of medians
# (on / off), then the check of the last trace: its events, bytes per event apart from the
# bytes read, and the checker's events per second. Bounded; stops its own servers.
#   tests/perf/trace_bench.sh [BUILD_DIR] [ROUNDS] [SECONDS]
set -euo pipefail
build=${1:-build}
rounds=${2:-5}
seconds=${3:-5}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# One round: smtpd with FLAGS under multiclient; prints its ops/s.
round() {
  local dir=$work/run$1
  shift
  rm -rf "$dir" && mkdir -p "$dir/mail"
  "$build/bin/smtpd" --port 0 --quiet --dir "$dir/mail" "$@" > "$dir/listening" 2> "$dir/log" &
  server=$!
  for _ in $(seq 1 100); do grep -q listening "$dir/listening" && break; sleep 0.05; done
  local port
  port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$dir/listening")
  "$build/bin/multiclient" --port "$port" --duration "$seconds" --quiet \
    --json "$dir/summary.json" > /dev/null
  kill -TERM "$server"
  wait "$server"
  server=""
  sed -n 's/.*"ops_per_second": \([0-9.]*\).*/\1/p' "$dir/summary.json"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for durability in sync none; do
  off=() on=()
  for r in $(seq 1 "$rounds"); do
    off+=("$(round off --durability "$durability")")
    on+=("$(round on --durability "$durability" --trace "$work/trace")")
  done
  m_off=$(printf '%s\n' "${off[@]}" | median)
  m_on=$(printf '%s\n' "${on[@]}" | median)
  echo "tracing, --durability $durability: median $m_off ops/s off, $m_on on; on/off" \
    "$(awk -v a="$m_on" -v b="$m_off" 'BEGIN {printf "%.3f", a / b}') ($rounds rounds of ${seconds}s)"
done

start=$(date +%s.%N)
"$build/bin/smtpsim" check "$work/trace" > "$work/check.txt"
end=$(date +%s.%N)
events=$(sed -n 's/.*refused; \([0-9]*\) events.*/\1/p' "$work/check.txt")
bytes_read=$(sed -n 's/.*reads of \([0-9]*\) bytes.*/\1/p' "$work/check.txt")
size=$(stat -c %s "$work/trace")
awk -v e="$events" -v b="$bytes_read" -v s="$size" -v t0="$start" -v t1="$end" 'BEGIN {
  printf "the last trace: %d events, %.1f bytes per event apart from the %d bytes read; ", e, (s - b) / e, b
  printf "checked in %.2f s, %.2f M events/s\n", t1 - t0, e / (t1 - t0) / 1e6 }'
tail -1 "$work/check.txt"
