#!/usr/bin/env bash
# A sweep with GNU parallel: SHARDS shards, as many at once as parallel runs (every local core
# by default; `--sshloginfile HOSTS` spreads them over machines that share OUT and SMTPSIM's
# path), then the merge. The report is printed and kept in OUT/report.txt.
#   sim/sweep/parallel_sweep.sh SMTPSIM SEEDS SHARDS OUT [smtpsim flags...]
#   PARALLEL="--sshloginfile hosts" sim/sweep/parallel_sweep.sh ...
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 SMTPSIM A..B SHARDS OUT [smtpsim flags...]" >&2; exit 2; }
smtpsim=$(realpath "$1") seeds=$2 shards=$3 out=$(realpath -m "$4")
shift 4
mkdir -p "$out"
# A shard's exit 1 is a violation found (its lines say which); any other status is a failure.
seq 0 $((shards - 1)) | parallel --will-cite --halt now,fail=1 ${PARALLEL:-} \
  "$smtpsim --seeds $seeds --shard {}/$shards --jobs 1 --keep-going --quiet $* \
     --jsonl $out/shard-{}.jsonl > $out/shard-{}.out || [ \$? -eq 1 ]"
status=0
"$smtpsim" merge "$out"/shard-*.jsonl > "$out/report.txt" || status=$?
cat "$out/report.txt"
exit "$status"
