/* The mailbox of impl/server/mailbox.hpp: K deliverers of M messages each, the backup
 * thread, and the monitor around MailboxLedger, as the code builds them; backups every B
 * messages. The live file is an array of the numbers written to it.
 *
 * Proves, for every interleaving and spurious wake-ups (at most SPURIOUS_MAX):
 *   - numbers unique and contiguous, file order equal to number order, each backup exactly
 *     B consecutive messages: every move finds the live file holding exactly its group,
 *     in order, and the end finds it holding the rest;
 *   - no delivery writes while a backup moves the file (assert at the write);
 *   - no deadlock: every process reaches its end;
 *   - with weak fairness, every delivery is acknowledged and every due backup completes
 *     (ltl all_done).
 * Mutants live in proofs/mutants/. */

#ifndef K
#define K 3
#endif
#ifndef M
#define M 2
#endif
#ifndef B
#define B 2
#endif
#define TOTAL (K * M)
#define GROUPS (TOTAL / B)

#include "monitor.pml"

#define writable 0       /* Mailbox::writable_ */
#define backup_needed 1  /* Mailbox::backup_needed_ */

/* MailboxLedger */
byte stored = 0;       /* stored_ */
byte backed_up = 0;    /* backed_up_ */
bool due = false;      /* due_.has_value() */
bool moving = false;   /* moving_ */
byte first = 0;        /* moving_range_.first */
byte last = 0;         /* moving_range_.last */
bool stopping = false; /* Mailbox::stopping_ */

/* the live file, and what the proof watches */
byte file[TOTAL];
byte file_length = 0;
bool file_moving = false;  /* the backup thread is moving the file */
byte acknowledged = 0;
byte delivering_done = 0;
byte finished = 0;

active [K] proctype deliverer() {
  byte m = 0;
  byte number;
  do
  :: m < M ->
    /* Mailbox::deliver */
    lock();
#ifndef SKIPS_BACKUP_WAIT
    do
    :: !due && !moving -> break  /* ledger_.may_write() */
    :: else -> wait(writable)
    od;
#endif
    number = stored + 1;         /* ledger_.next_number() */
    /* store_.append: the record lands in the live file */
    atomic {
      assert(!file_moving);
      file[file_length] = number;
      file_length++
    };
    stored++;                    /* ledger_.stored() */
    if
    :: stored % B == 0 -> due = true; first = backed_up + 1; last = stored
    :: else -> skip
    fi;
    if
    :: due -> notify_one(backup_needed)
    :: else -> skip
    fi;
    unlock();
    acknowledged++;
    m++
  :: else -> break
  od;
  delivering_done++;
  finished++
}

active proctype backup() {
  byte k;
  /* Mailbox::run_backups */
  lock();
  do
  :: true ->
    do
    :: due || stopping -> break
    :: else -> wait(backup_needed)
    od;
    if
    :: !due -> unlock(); break   /* stopping, nothing due */
    :: else -> skip
    fi;
    due = false;                 /* ledger_.begin_backup() */
    moving = true;
    unlock();
    /* store_.move_to_backup(range): the file must hold exactly the group, in order */
    file_moving = true;
    atomic {
      assert(last - first + 1 == B);
      assert(file_length == B);
      for (k : 0 .. B - 1) { assert(file[k] == first + k) }
      file_length = 0
    };
    file_moving = false;
    lock();
    moving = false;              /* ledger_.finish_backup(true) */
    backed_up = last;
#ifdef WAKES_ONE_WRITER
    notify_one(writable)
#else
    notify_all(writable)
#endif
  od;
  finished++
}

/* main: joins the deliverers, then Mailbox::stop */
active proctype closer() {
  delivering_done == K;
  lock();
  stopping = true;
  notify_all(backup_needed);
  unlock();
  finished++
}

/* At the end the live file holds the messages after the last group, in order. */
active proctype ending() {
  byte k;
  finished == K + 2;
  assert(backed_up == GROUPS * B && stored == TOTAL);
  assert(file_length == TOTAL - backed_up);
  for (k : 0 .. file_length - 1) { assert(file[k] == backed_up + 1 + k) }
}

ltl all_done { <> (acknowledged == TOTAL && backed_up == GROUPS * B) }
