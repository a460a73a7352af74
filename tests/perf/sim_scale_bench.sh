#!/usr/bin/env bash
# What a world costs whatever it draws, and what a sweep costs: for each seed 1..10 with only
# --clients 1000000 given (the swarm draws the rest, overloaded worlds included), the wall
# time and peak RSS against the targets (under 20 s and 64 MiB each); then 10,000 seeds of
# 1,000 clients with --jobs 2 (target: under 60 s).
#   tests/perf/sim_scale_bench.sh [BUILD_DIR] [SEEDS] [SWEEP_SEEDS]
set -euo pipefail
build=${1:-build}
seeds=${2:-10}
sweep_seeds=${3:-10000}
smtpsim=$build/bin/smtpsim
worst_wall=0 worst_rss=0
for seed in $(seq 1 "$seeds"); do
  out=$( { /usr/bin/time -f "rss_kb=%M wall=%e" "$smtpsim" --seed "$seed" --clients 1000000 \
           --json /dev/stdout --quiet; } 2>&1 )
  wall=$(sed -n 's/.*wall=\([0-9.]*\).*/\1/p' <<<"$out")
  rss=$(sed -n 's/.*rss_kb=\([0-9]*\).*/\1/p' <<<"$out")
  sessions=$(sed -n 's/.*"sessions": \([0-9]*\).*/\1/p' <<<"$out")
  deferred=$(sed -n 's/.*"deferred": \([0-9]*\).*/\1/p' <<<"$out")
  echo "seed $seed: $wall s wall, peak RSS $((rss / 1024)) MiB, $sessions sessions, $deferred deferred"
  worst_wall=$(echo "if ($wall > $worst_wall) $wall else $worst_wall" | bc)
  [ "$rss" -gt "$worst_rss" ] && worst_rss=$rss
done
verdict() { [ "$1" -eq 1 ] && echo met || echo "NOT MET"; }
echo "worst of seeds 1..$seeds at 1,000,000 clients: $worst_wall s (target < 20: $(verdict \
  "$(echo "$worst_wall < 20" | bc)")), $((worst_rss / 1024)) MiB (target < 64: $(verdict \
  "$((worst_rss < 64 * 1024))"))"
start=$(date +%s.%N)
"$smtpsim" --seeds "1..$sweep_seeds" --clients 1000 --jobs 2 --keep-going --quiet > /dev/null
wall=$(echo "$(date +%s.%N) - $start" | bc)
echo "sweep of $sweep_seeds seeds x 1,000 clients, --jobs 2: $wall s (target < 60: $(verdict \
  "$(echo "$wall < 60" | bc)"))"
