#!/usr/bin/env bash
# A sweep on a Slurm cluster: a job array of SHARDS tasks, then the merge as a job that
# depends on the whole array. Prints the merge job's id; the report lands in OUT/report.txt.
#   sim/sweep/slurm_sweep.sh SMTPSIM SEEDS SHARDS OUT [smtpsim flags...]
#   e.g. sim/sweep/slurm_sweep.sh build/bin/smtpsim 1..100000 64 /shared/sweep --clients 1000
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 SMTPSIM A..B SHARDS OUT [smtpsim flags...]" >&2; exit 2; }
smtpsim=$(realpath "$1") seeds=$2 shards=$3 out=$(realpath -m "$4")
shift 4
here=$(dirname "$(realpath "$0")")
mkdir -p "$out"
export SMTPSIM=$smtpsim SEEDS=$seeds OUT=$out SIM_FLAGS="$*"
array=$(sbatch --parsable --array="0-$((shards - 1))" --output="$out/slurm-%A_%a.log" \
  --export=ALL "$here/slurm_sweep.sbatch")
sbatch --parsable --dependency="afterany:${array%%;*}" --output="$out/slurm-merge.log" \
  --export=ALL "$here/slurm_merge.sbatch"
