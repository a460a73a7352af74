#!/usr/bin/env bash
# Verifies one SPIN model in a temporary folder, in two runs: safety (assertions and invalid
# end states, the claim left out) and liveness (the model's ltl claim, weak fairness).
#   proofs/verify.sh MODEL.pml [pass|safety|fail] [-DNAME=VALUE...]
# (the -D options set the model's bounds, as in -DC=4).
# pass: both runs must report `errors: 0` with the whole state space searched (safety: the
#   first run alone).
# fail: a planted bug; one run must find an error and leave a trail, which is printed. A
#   line `/* expect: TEXT */` in the model names the error SPIN must report.
# Prints what SPIN reports: states stored, depth, time.
set -euo pipefail
model=$(realpath "$1")
expect=${2:-pass}
shift $(($# < 2 ? $# : 2))
bounds=("$@")
name=$(basename "$model" .pml)${bounds:+ ${bounds[*]}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

if ! spin "${bounds[@]}" -a "$model" >spin.log 2>&1 || [ ! -e pan.c ] || grep -q "Error" spin.log; then
  echo "$name: SPIN could not read the model:"
  cat spin.log
  exit 1
fi
gcc -O2 -w -DNOCLAIM -o pan_safety pan.c
gcc -O2 -w -DNFAIR=3 -o pan_live pan.c

run() {  # run KIND ARGS...: prints a summary line; returns 1 on an error found
  local kind=$1
  shift
  ./"pan_$kind" -m2000000 "$@" >"$kind.txt" 2>&1 || true
  if grep -q "max search depth too small" "$kind.txt"; then
    echo "$name $kind: the search was cut short (max search depth too small)"
    exit 2
  fi
  local errors states seconds
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$kind.txt" | head -1)
  states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$kind.txt" | head -1)
  seconds=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\) seconds.*/\1/p' "$kind.txt" | head -1)
  echo "$name $kind: errors: ${errors:-?}, ${states:-?} states stored, ${seconds:-0} s"
  [ "${errors:-1}" = 0 ]
}

trail() {  # prints the counterexample SPIN found
  echo "--- counterexample ($1) ---"
  spin "${bounds[@]}" -t -p -k "$(basename "$model").trail" "$model" 2>/dev/null |
    grep -v "^ *$" | tail -40 || true
  grep -E "assertion violated|invalid end state|acceptance cycle" "$1.txt" | head -3 || true
}

if [ "$expect" = pass ] || [ "$expect" = safety ]; then
  run safety
  if [ "$expect" = pass ]; then run live -a -f; fi
  echo "$name: verified"
else
  if ! run safety; then
    trail safety
  elif ! run live -a -f; then
    trail live
  else
    echo "$name: the planted bug was not found"
    exit 1
  fi
  [ -e "$(basename "$model").trail" ] || { echo "$name: no trail was written"; exit 1; }
  wanted=$(sed -n 's|.*/\* expect: \(.*\) \*/.*|\1|p' "$model")
  if [ -n "$wanted" ] && ! grep -q "$wanted" safety.txt live.txt 2>/dev/null; then
    echo "$name: rejected, but not with \`$wanted\`"
    exit 1
  fi
  echo "$name: rejected, as it must be"
fi
