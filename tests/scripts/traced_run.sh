#!/bin/bash
# A short real run of smtpd with --trace, judged by `smtpsim check`: a scenario drives the
# server, it is stopped, and its trace is checked. Bounded: every step has a time limit.
#   traced_run.sh SMTPD SMTPSIM MULTICLIENT OUT SCENARIO EXPECT [FAILING_SYNC_LIB]
# EXPECT "ok": the check must pass; otherwise the check must find a violation matching the
# regular expression EXPECT (a planted bug, tests/mutants.cmake). Scenarios:
#   stress     multiclient for 2 s against 4 workers (and an error limit of 4)
#   stop       2 workers, both serving sessions between messages, one client in the backlog,
#              then SIGTERM: every served session must hear its 421 at once
#   timeout    one session left silent for 2.5 s, past a 0.5 s timeout
#   syncfail   stress while every 4th sync of mailbox fails (FAILING_SYNC_LIB preloaded)
set -u
smtpd=$1 smtpsim=$2 multiclient=$3 out=$4 scenario=$5 expect=$6 failing_sync=${7:-}
rm -rf "$out" && mkdir -p "$out/mail"
server_pid=""
fail() {
  echo "traced_run: $*"
  echo "---- smtpd's log:"; cat "$out/smtpd.log" 2>/dev/null
  [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null
  exit 1
}

start_server() {  # flags...
  local preload=""
  # A sanitizer's runtime must come first among the libraries: preloaded before the stand-in.
  [ "$scenario" = syncfail ] &&
    preload="$(ldd "$smtpd" | awk '/lib[at]san/ {printf "%s ", $3}')$failing_sync"
  LD_PRELOAD=$preload POSTABLE_FAIL_SYNC_EVERY=4 "$smtpd" --port 0 --dir "$out/mail" \
    --trace "$out/run.trace" "$@" > "$out/smtpd.out" 2> "$out/smtpd.log" &
  server_pid=$!
  for _ in $(seq 100); do
    port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out/smtpd.out")
    [ -n "$port" ] && return 0
    sleep 0.05
  done
  fail "smtpd did not start"
}

stop_server() {  # waits at most 15 s for the stop
  kill -TERM "$server_pid"
  for _ in $(seq 300); do
    kill -0 "$server_pid" 2>/dev/null || { wait "$server_pid"; server_pid=""; return 0; }
    sleep 0.05
  done
  fail "smtpd did not stop within 15 s of SIGTERM"
}

# Opens a session on fd $1 and says HELO (the greeting and the 250 are read).
open_session() {
  eval "exec $1<>/dev/tcp/127.0.0.1/$port" || fail "cannot connect"
  timeout 5 head -c 1 <&"$1" > /dev/null
  printf 'HELO client\r\n' >&"$1"
}

# The run as a timeline (Perfetto): each worker's connections, the syncs and the backups; and
# the progress lines of a long check.
check_timeline() {
  "$smtpsim" check --quiet --timeline "$out/timeline.json" "$out/run.trace" > /dev/null ||
    fail "the check with --timeline failed"
  "$smtpsim" check --progress-every 0 "$out/run.trace" > /dev/null 2> "$out/progress.log"
  grep -Eq '^check: .*run.trace: [0-9]+%, [0-9]+ events$' "$out/progress.log" ||
    fail "no progress line on a long trace: $(head -3 "$out/progress.log")"
  for track in '"worker 0"' '"mailbox: syncs"' '"backup: moves"' '"name": "connection 1"' \
    '"name": "mailbox.1-32"'; do
    grep -q "$track" "$out/timeline.json" || fail "the timeline has no $track"
  done
}

# The same trace cut in the middle of an event, with a byte no writer makes, and of another
# version: checked up to its cut (and said so), and refused in one line naming the byte.
check_bad_traces() {
  local trace=$out/run.trace size
  size=$(stat -c %s "$trace")
  head -c $((size / 2 + 3)) "$trace" > "$out/cut.trace"
  "$smtpsim" check "$out/cut.trace" > "$out/cut.log" 2>&1 || fail "a cut trace: exit $?"
  grep -q "the trace was cut at byte" "$out/cut.log" || fail "a cut trace not said to be cut"
  grep -q "did not stop whole" "$out/cut.log" || fail "a cut trace's verdict claims the end"
  cp "$trace" "$out/corrupt.trace"
  local header_end=$((24 + ($(od -An -tu4 -j20 -N4 "$trace") + 7) / 8 * 8))
  printf '\xc8' | dd of="$out/corrupt.trace" bs=1 seek=$((header_end + 12)) conv=notrunc 2>/dev/null
  "$smtpsim" check "$out/corrupt.trace" > /dev/null 2> "$out/corrupt.log"
  [ $? -eq 2 ] || fail "a corrupt trace: not exit 2"
  grep -q "byte $header_end: an event of no known kind (200)" "$out/corrupt.log" ||
    fail "a corrupt trace: $(cat "$out/corrupt.log")"
  cp "$trace" "$out/other.trace"
  printf '\x07' | dd of="$out/other.trace" bs=1 seek=16 conv=notrunc 2>/dev/null
  "$smtpsim" check "$out/other.trace" > /dev/null 2> "$out/other.log"
  [ $? -eq 2 ] || fail "a trace of another version: not exit 2"
  grep -q "version 7; this reader reads version 1" "$out/other.log" || fail "$(cat "$out/other.log")"
}

case $scenario in
  stress|syncfail)
    start_server --threads 4 --quiet --error-limit 4
    timeout 30 "$multiclient" --port "$port" --duration 2 --connections 8 --error-limit 4 \
      --quiet > "$out/mc.log"
    stop_server ;;
  stop)
    start_server --threads 2 --drain 4 --timeout 3
    open_session 3; open_session 4
    exec 5<>/dev/tcp/127.0.0.1/"$port"  # waits in the backlog
    sleep 0.3
    stop_server
    exec 3>&- 4>&- 5>&- ;;
  timeout)
    start_server --threads 2 --timeout 0.5
    open_session 3
    sleep 2.5
    exec 3>&-
    stop_server ;;
  *) fail "no scenario $scenario" ;;
esac

"$smtpsim" check "$out/run.trace" > "$out/check.log" 2>&1
status=$?
cat "$out/check.log"
if [ "$expect" = ok ]; then
  [ $status -eq 0 ] || fail "the check of a correct server's trace failed ($status)"
  [ "$scenario" = stress ] && check_bad_traces && check_timeline
else
  [ $status -eq 1 ] || fail "the check did not find the planted bug (exit $status)"
  grep -Eq "$expect" "$out/check.log" || fail "the check failed, but not with /$expect/"
fi
exit 0
