#!/usr/bin/env bash
# The sweep recipes of sim/sweep end to end: a one-node Slurm cluster of the test's own (munge,
# slurmctld and slurmd from Debian, children of this script in the foreground, configured in a
# temporary folder with their own ports, state and logs, on loopback, needing no cgroup, and
# stopped by pid at the end or by a guard if the script is killed) runs a 4-task job array and
# the merge after it, and GNU parallel runs the same shards; each merged report must equal a
# local sweep's. A daemon that fails to start is named, with its log.
#   tests/scripts/sweep_recipes_test.sh SMTPSIM SOURCE_DIR  (an smtpsim with a planted bug)
set -euo pipefail
smtpsim=$(realpath "$1") source=$(realpath "$2")
recipes=$source/sim/sweep
flags=(--clients 200)  # SMTPSIM has a planted bug (early timeouts): the reports name violations
seeds=1..40
work=$(mktemp -d /tmp/postable-sweep-XXXXXX)
pids=()  # the daemons, each a child of this script (run in the foreground)

# Stops the daemons by pid: SIGTERM, then SIGKILL for any still there after 5 s (slurmd may
# ignore SIGTERM).
stop_daemons() {
  [ ${#pids[@]} -gt 0 ] || return 0
  kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && return 0
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}
trap 'stop_daemons; rm -rf "$work"' EXIT

# Each daemon's log, for a failure.
print_logs() {
  for log in "$work"/log/*.log; do
    [ -s "$log" ] || continue
    echo "--- $(basename "$log"):" >&2
    tail -20 "$log" >&2
  done
}
fail() {
  echo "sweep_recipes_test: $*" >&2
  print_logs
  exit 1
}

# A guard in a session of its own, which outlives this script should CTest's timeout kill it:
# once the script is gone it stops the daemons (SIGTERM, then SIGKILL) and removes the folder.
start_guard() {
  setsid bash -c '
    script=$1 work=$2; shift 2
    while kill -0 "$script" 2>/dev/null; do sleep 1; done
    kill "$@" 2>/dev/null; sleep 5; kill -KILL "$@" 2>/dev/null; rm -rf "$work"
  ' guard $$ "$work" "${pids[@]}" </dev/null >/dev/null 2>&1 &
}

# A port nobody listens on, below the kernel's ephemeral range (which the system hands out to
# outgoing connections at any moment) or, if that leaves too few, above it.
free_port() {
  local low high first last port
  read -r low high </proc/sys/net/ipv4/ip_local_port_range
  if [ "$low" -gt 11024 ]; then first=10000 last=$((low - 1)); else first=$((high + 1)) last=65535; fi
  for port in $(shuf -i "$first-$last" -n 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  fail "no free port in $first-$last"
}

# Waits for a daemon's socket or port (its sign of life); fails with its log if it died.
wait_until() {
  local what=$1 pid=$2 probe=$3
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || fail "$what exited at start"
    eval "$probe" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "$what did not come up in 10 s"
}

# The cluster's configuration: its own ports, state and logs; loopback only; and no cgroup of
# any kind (a fresh machine may have no cgroup file system; with systemd, slurmd would ask it
# for a scope): proctrack/linuxproc, task/none, and cgroup.conf's cgroup/v1 plugin unused.
# Both daemons bind to 127.0.0.1 alone (NoInAddrAny, NoCtldInAddrAny).
write_config() {
  local host=$1 ctld_port=$2 slurmd_port=$3
  cat > "$work/slurm.conf" <<CONF
ClusterName=postable-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
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
  cat > "$work/cgroup.conf" <<CONF
CgroupPlugin=cgroup/v1
CgroupAutomount=no
IgnoreSystemd=yes
ConstrainCores=no
ConstrainRAMSpace=no
ConstrainDevices=no
CONF
}

start_cluster() {
  mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/log"
  chmod 700 "$work/munge"
  head -c 128 /dev/urandom > "$work/munge/munge.key"
  chmod 400 "$work/munge/munge.key"
  munged --foreground --force --key-file="$work/munge/munge.key" \
    --socket="$work/munge/socket" --pid-file="$work/munge/pid" \
    --log-file="$work/log/munged.log" --seed-file="$work/munge/seed" \
    >"$work/log/munged.stderr.log" 2>&1 &
  pids+=($!)
  wait_until munged "$!" '[ -S "$work/munge/socket" ]'
  local host ctld_port slurmd_port
  host=$(hostname) ctld_port=$(free_port) slurmd_port=$(free_port)
  [ "$ctld_port" != "$slurmd_port" ] || slurmd_port=$(free_port)
  write_config "$host" "$ctld_port" "$slurmd_port"
  export SLURM_CONF=$work/slurm.conf
  slurmctld -D -i -f "$SLURM_CONF" >"$work/log/slurmctld.stderr.log" 2>&1 &
  pids+=($!)
  wait_until slurmctld "$!" "(exec 3<>/dev/tcp/127.0.0.1/$ctld_port)"
  slurmd -D -f "$SLURM_CONF" >"$work/log/slurmd.stderr.log" 2>&1 &
  pids+=($!)
  wait_until slurmd "$!" "(exec 3<>/dev/tcp/127.0.0.1/$slurmd_port)"
  start_guard
  for _ in $(seq 1 100); do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || fail "a daemon (pid $pid) died"; done
    timeout 5 sinfo -h -o %t 2>/dev/null | grep -qx idle && return
    sleep 0.2
  done
  fail "the one-node cluster did not come up in 20 s"
}

# The merge job's end: it leaves the queue once the array and it have run.
wait_for_job() {
  for _ in $(seq 1 300); do
    timeout 5 squeue -h -j "$1" 2>/dev/null | grep -q . || return 0
    sleep 0.2
  done
  fail "job $1 did not end in 60 s"
}

local_report=$("$smtpsim" --seeds "$seeds" "${flags[@]}" --keep-going --quiet |
  sed -n '/^sweep: /,$p') || true
[[ $local_report == *" violation(s)"* ]] || fail "the local sweep printed no report"
[[ $local_report != *" 0 violation(s)"* ]] || fail "the planted bug was not found"

start_cluster
started=$(date +%s%N)
merge_job=$("$recipes/slurm_sweep.sh" "$smtpsim" "$seeds" 4 "$work/slurm" "${flags[@]}")
wait_for_job "$merge_job"
slurm_report=$(cat "$work/slurm/report.txt") || fail "the merge job wrote no report"
[ "$slurm_report" = "$local_report" ] || fail "Slurm's report differs:
$slurm_report
--- local:
$local_report"
shards=$(ls "$work"/slurm/shard-*.jsonl | wc -l)
[ "$shards" -eq 4 ] || fail "$shards shards, not 4"
echo "Slurm: a 4-task array and its merge, $((($(date +%s%N) - started) / 1000000)) ms; the report equals the local sweep's"

parallel_report=$("$recipes/parallel_sweep.sh" "$smtpsim" "$seeds" 4 "$work/parallel" \
  "${flags[@]}") && fail "the parallel recipe exited 0 on a sweep with violations"
[ "$parallel_report" = "$local_report" ] || fail "GNU parallel's report differs:
$parallel_report"
echo "GNU parallel: 4 shards merged; the report equals the local sweep's"
echo "$local_report" | head -1
