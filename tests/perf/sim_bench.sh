#!/usr/bin/env bash
# Scale of the simulator: one million virtual sessions, single-threaded, ROUNDS times;
# prints the wall time, events per second and peak memory of each round and the median.
#   tests/perf/sim_bench.sh [BUILD_DIR] [ROUNDS] [CLIENTS]
set -euo pipefail
build=${1:-build}
rounds=${2:-5}
clients=${3:-1000000}
# A world the workers can keep up with: arrivals below capacity, so events go to sessions
# rather than to refused connections retrying.
flags=(--seed 11 --clients "$clients" --workers 32 --backup-every 32 --timeout 10 --rate 100
       --mix polite=6,erroneous=3,bytewise=1,pipelined=2,dropper=1,idle=0)
walls=()
for round in $(seq 1 "$rounds"); do
  out=$( { /usr/bin/time -f "rss_kb=%M" "$build/bin/smtpsim" "${flags[@]}" --json /dev/stdout --quiet; } 2>&1 )
  wall=$(sed -n 's/.*"seconds": \([0-9.]*\).*/\1/p' <<<"$out" | tail -1)
  eps=$(sed -n 's/.*"events_per_second": \([0-9.]*\).*/\1/p' <<<"$out")
  sessions=$(sed -n 's/.*"sessions": \([0-9]*\).*/\1/p' <<<"$out")
  rss=$(sed -n 's/.*rss_kb=\([0-9]*\).*/\1/p' <<<"$out")
  echo "round $round: $sessions sessions in $wall s wall, $eps events/s, peak RSS $((rss / 1024)) MiB"
  walls+=("$wall")
done
median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "smtpsim: median $median s wall for $clients sessions (target: under 10 s)"
