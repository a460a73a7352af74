/* The worker pool of impl/server/pool.hpp and its machine, PoolLedger
 * (impl/core/pool_ledger.hpp): the acceptor (main thread), N workers, and a signal thread
 * (server/signal_watch.hpp) that gives the stop at any moment. Up to C
 * connections arrive; the acceptor hands them out one at a time until they run out or the
 * stop comes, then the drain begins and it stops the pool. A session ends by itself, or
 * lasts until the drain begins (as a busy session does, which only the drain ends).
 *
 * Proves, for every interleaving and spurious wake-ups (at most SPURIOUS_MAX):
 *   - no deadlock: every process reaches its end (no invalid end state); in particular the
 *     acceptor sees the stop whatever the workers are doing, every worker busy included;
 *   - the acceptor never accepts while no worker is idle (assert at the accept);
 *   - every connection handed off is served exactly once, even when the stop comes during
 *     its accept (asserts at service and at the end);
 *   - with weak fairness, every process eventually ends (ltl all_end).
 * Mutants live in proofs/mutants/. */

#ifndef N
#define N 2
#endif
#ifndef C
#define C 4
#endif

#include "monitor.pml"

#define worker_idle 0  /* Pool::worker_idle_ */
#define work_ready 1   /* Pool::work_ready_ */

/* PoolLedger */
byte idle = 0;           /* idle_ */
bool handed = false;     /* handed_.has_value() */
byte handed_conn = 0;    /* *handed_ */
bool accepting = false;  /* accepting_ */
bool stopped = false;    /* stopped_ */

/* what the proof watches */
bool draining = false;   /* the drain has begun: sessions that last until it end */
byte served[C];
byte handed_off = 0;
byte finished = 0;

/* PoolLedger::stop under the pool's lock, then Pool::stop's wake-ups */
inline stop_pool() {
  lock();
  stopped = true;
#ifdef STOP_WAKES_ONE
  notify_one(work_ready);
#else
  notify_all(work_ready);
#endif
  notify_all(worker_idle);
  unlock()
}

active proctype acceptor() {
  do
  :: handed_off < C ->
    /* Pool::wait_for_idle_worker: acceptor_step() */
    lock();
#ifndef EAGER_ACCEPTOR
    do
#ifdef STOP_UNSEEN_WHEN_BUSY
    :: stopped && idle > 0 -> break
#else
    :: stopped -> break
#endif
    :: !stopped && idle > 0 && !handed && !accepting -> break
    :: else -> wait(worker_idle)
    od;
#endif
    if
    :: stopped -> unlock(); break
    :: else -> accepting = true; unlock()  /* begin_accept() */
    fi;
    /* accept_one(): a connection, or the stop signal first */
    if
    :: true ->
      assert(idle > 0 && !handed);  /* only when a worker is idle */
      lock();                       /* Pool::hand_off */
      accepting = false;
      handed = true;
      handed_conn = handed_off;
      notify_one(work_ready);
      unlock();
      handed_off++
    :: stopped ->
      lock();                       /* Pool::accept_ended */
      accepting = false;
      notify_all(work_ready);
      unlock();
      break
    fi
  :: else -> break
  od;
  /* drain_sessions: the drain begins, then the pool stops */
  draining = true;
  stop_pool();
  finished++
}

/* The stop signal, at any moment: before the first accept, or after the acceptor's own
 * stop (which is the run without a signal), or anywhere between. */
active proctype signal() {
  stop_pool();
  finished++
}

active [N] proctype worker() {
  byte mine;
  do
  :: /* Pool::next_connection: worker_step() */
    lock();
    idle++;                    /* ledger_.worker_waits() */
    notify_one(worker_idle);
    do
    :: handed -> break
    :: !handed && stopped && (!accepting || idle > 1) -> break
    :: else -> wait(work_ready)
    od;
    if
    :: !handed -> idle--; unlock(); break  /* worker_leaves() */
    :: else ->
      idle--;                  /* ledger_.take() */
      mine = handed_conn;
#ifndef TAKE_LEAVES_SLOT
      handed = false;
#endif
      notify_one(worker_idle); /* the hand-off slot is free again */
      unlock();
      /* serve_connection */
      atomic { assert(served[mine] == 0); served[mine]++ };
      if
      :: skip       /* the session ends by itself */
      :: draining   /* it lasts until the drain begins */
      fi
    fi
  od;
  finished++
}

/* At the end, every connection handed off was served exactly once, and no other. */
active proctype ending() {
  byte k;
  finished == N + 2;
  for (k : 0 .. C - 1) { assert(served[k] == (k < handed_off -> 1 : 0)) }
}

ltl all_end { <> (finished == N + 2) }
