#!/usr/bin/env bash
# Throughput of smtpd under multiclient on this machine, both on it: ROUNDS runs of SECONDS
# each against a fresh server, then the median ops/s. Bounded in time; stops its own server.
#   tests/perf/multiclient_bench.sh [BUILD_DIR] [ROUNDS] [SECONDS]
set -euo pipefail
build=${1:-build}
rounds=${2:-5}
seconds=${3:-10}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

results=()
for round in $(seq 1 "$rounds"); do
  mkdir -p "$work/$round"
  "$build/bin/smtpd" --port 0 --quiet --dir "$work/$round" > "$work/$round/listening" &
  server=$!
  for _ in $(seq 1 100); do grep -q listening "$work/$round/listening" && break; sleep 0.05; done
  port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/$round/listening")
  "$build/bin/multiclient" --port "$port" --duration "$seconds" --seed "$round" --quiet \
    --verify "$work/$round" --json "$work/$round/summary.json" > "$work/$round/out.txt"
  kill -TERM "$server"
  wait "$server"
  ops=$(sed -n 's/.*"ops_per_second": \([0-9.]*\).*/\1/p' "$work/$round/summary.json")
  p50=$(sed -n 's/.*"p50": \([0-9.]*\).*/\1/p' "$work/$round/summary.json")
  echo "round $round: $ops ops/s, p50 latency $p50 ms (every reply and the mailbox checked)"
  results+=("$ops")
done
median=$(printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "multiclient vs smtpd: median $median ops/s over $rounds rounds of ${seconds}s (target 20000)"
