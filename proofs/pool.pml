/* The worker pool of impl/server/pool.hpp: the acceptor (main thread), N workers, and the
 * monitor around PoolLedger, as the code builds them. C connections arrive; the acceptor
 * hands them out one at a time, then stops the pool.
 *
 * Proves, for every interleaving and spurious wake-ups (at most SPURIOUS_MAX):
 *   - no deadlock: every process reaches its end (no invalid end state);
 *   - the acceptor never accepts while no worker is idle (assert at the accept);
 *   - every accepted connection is served exactly once (asserts at service and at the end);
 *   - with weak fairness, every connection is eventually served (ltl all_served).
 * Mutants live in proofs/mutants/. */

#ifndef N
#define N 3
#endif
#ifndef C
#define C 6
#endif

#include "monitor.pml"

#define worker_idle 0  /* Pool::worker_idle_ */
#define work_ready 1   /* Pool::work_ready_ */

/* PoolLedger */
byte idle = 0;          /* idle_ */
bool handed = false;    /* handed_.has_value() */
byte handed_conn = 0;   /* *handed_ */
bool stopping = false;  /* Pool::stopping_ */

/* what the proof watches */
byte served[C];
byte served_total = 0;
byte finished = 0;

active proctype acceptor() {
  byte c = 0;
  do
  :: c < C ->
    /* Pool::wait_for_idle_worker */
    lock();
#ifndef EAGER_ACCEPTOR
    do
    :: (idle > 0 && !handed) || stopping -> break
    :: else -> wait(worker_idle)
    od;
#endif
    unlock();
    /* Listener::accept: only when a worker is idle */
    assert(idle > 0 && !handed);
    /* Pool::hand_off */
    lock();
    handed = true;
    handed_conn = c;
    notify_one(work_ready);
    unlock();
    c++
  :: else -> break
  od;
  /* Pool::stop */
  lock();
  stopping = true;
#ifdef STOP_WAKES_ONE
  notify_one(work_ready);
#else
  notify_all(work_ready);
#endif
  notify_all(worker_idle);
  unlock();
  finished++
}

active [N] proctype worker() {
  byte mine;
  do
  :: /* Pool::next_connection */
    lock();
    idle++;                    /* ledger_.worker_waits() */
    notify_one(worker_idle);
    do
    :: handed || stopping -> break
    :: else -> wait(work_ready)
    od;
    if
    :: !handed -> unlock(); break  /* stopping, nothing handed to us */
    :: else ->
      idle--;                  /* ledger_.take() */
      mine = handed_conn;
#ifndef TAKE_LEAVES_SLOT
      handed = false;
#endif
      notify_one(worker_idle); /* the hand-off slot is free again */
      unlock();
      /* serve_connection */
      atomic { assert(served[mine] == 0); served[mine]++; served_total++ }
    fi
  od;
  finished++
}

/* At the end, every connection was served exactly once. */
active proctype ending() {
  byte k;
  finished == N + 1;
  for (k : 0 .. C - 1) { assert(served[k] == 1) }
}

ltl all_served { <> (served_total == C) }
