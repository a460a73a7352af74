#!/usr/bin/env bash
# The sweep recipes of sim/sweep end to end: a one-node Slurm cluster of the test's own (munge,
# slurmctld and slurmd from Debian, configured in a temporary folder with their own ports, pid
# files and state, stopped by pid at the end) runs a 4-task job array and the merge after it,
# and GNU parallel runs the same shards; each merged report must equal a local sweep's.
#   tests/scripts/sweep_recipes_test.sh SMTPSIM SOURCE_DIR
set -euo pipefail
smtpsim=$(realpath "$1") source=$(realpath "$2")
recipes=$source/sim/sweep
flags=(--clients 200 --fault early-timeout)  # a planted bug: the reports name violations
seeds=1..40
work=$(mktemp -d /tmp/postable-sweep-XXXXXX)
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$work"
}
trap stop_all EXIT
fail() { echo "sweep_recipes_test: $*" >&2; exit 1; }

# A daemon's pid, once it has written its pid file (it does so after forking).
remember_pid() {
  for _ in $(seq 1 100); do
    if [ -s "$1" ]; then
      pids+=("$(cat "$1")")
      return
    fi
    sleep 0.1
  done
  fail "no pid in $1 after 10 s"
}

# Two ports nobody listens on, from a range of their own.
free_port() {
  local port
  for port in $(shuf -i 20000-40000 -n 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  fail "no free port"
}

start_cluster() {
  mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/log"
  chmod 700 "$work/munge"
  head -c 128 /dev/urandom > "$work/munge/munge.key"
  chmod 400 "$work/munge/munge.key"
  munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
    --pid-file="$work/munge/pid" --log-file="$work/munge/log" --seed-file="$work/munge/seed"
  remember_pid "$work/munge/pid"
  local host ctld_port slurmd_port
  host=$(hostname) ctld_port=$(free_port) slurmd_port=$(free_port)
  cat > "$work/slurm.conf" <<CONF
ClusterName=postable-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SchedulerType=sched/builtin
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=sweep Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$work/slurm.conf
  slurmctld -f "$SLURM_CONF" -i
  remember_pid "$work/slurmctld.pid"
  slurmd -f "$SLURM_CONF"
  remember_pid "$work/slurmd.pid"
  for _ in $(seq 1 100); do
    sinfo -h -o %t 2>/dev/null | grep -qx idle && return
    sleep 0.2
  done
  tail -5 "$work/log/slurmctld.log" "$work/log/slurmd.log" >&2
  fail "the one-node cluster did not come up in 20 s"
}

# The merge job's end: it leaves the queue once the array and it have run.
wait_for_job() {
  for _ in $(seq 1 300); do
    squeue -h -j "$1" 2>/dev/null | grep -q . || return 0
    sleep 0.2
  done
  fail "job $1 did not end in 60 s"
}

local_report=$("$smtpsim" --seeds "$seeds" "${flags[@]}" --keep-going --quiet |
  sed -n '/^sweep: /,$p') || true
[[ $local_report == *" violation(s)"* ]] || fail "the local sweep printed no report"
[[ $local_report != *" 0 violation(s)"* ]] || fail "the planted bug was not found"

start_cluster
started=$(date +%s.%N)
merge_job=$("$recipes/slurm_sweep.sh" "$smtpsim" "$seeds" 4 "$work/slurm" "${flags[@]}")
wait_for_job "$merge_job"
slurm_report=$(cat "$work/slurm/report.txt") || fail "the merge job wrote no report"
[ "$slurm_report" = "$local_report" ] || fail "Slurm's report differs:
$slurm_report
--- local:
$local_report"
shards=$(ls "$work"/slurm/shard-*.jsonl | wc -l)
[ "$shards" -eq 4 ] || fail "$shards shards, not 4"
echo "Slurm: a 4-task array and its merge, $(echo "$(date +%s.%N) - $started" | bc) s; the report equals the local sweep's"

parallel_report=$("$recipes/parallel_sweep.sh" "$smtpsim" "$seeds" 4 "$work/parallel" \
  "${flags[@]}") && fail "the parallel recipe exited 0 on a sweep with violations"
[ "$parallel_report" = "$local_report" ] || fail "GNU parallel's report differs:
$parallel_report"
echo "GNU parallel: 4 shards merged; the report equals the local sweep's"
echo "$local_report" | head -1
