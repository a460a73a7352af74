/* The mailbox of core/mailbox_machine.hpp as smtpd's monitor (impl/server/mailbox.hpp) runs
 * it: K deliverers of M messages each, the backup thread, and the machine's steps over
 * MailboxLedger and SyncLedger; backups every B messages; at most FAILS_MAX syncs fail and at
 * most MOVE_FAILS_MAX moves (a failed move leaves its group for the next backup). The live file is an array of
 * the numbers written to it; `durable` is the last number a sync made durable on the disk
 * (a sync covers what the file holds when it is called, as fdatasync does). `names` says
 * whether the folder's names are durable: a move's renames are not until a sync of the
 * folder (the backup's names sync right after the move, or a data sync, which syncs the
 * folder first), and a record of the new live file is only safe once they are.
 *
 * Proves, for every interleaving and spurious wake-ups (at most SPURIOUS_MAX):
 *   - no 250 before its number is durable and, in the live file, reachable by a durable
 *     name (assert at the reply);
 *   - no backup of a group a sync has not covered, no sync beside the backup's move of the
 *     live file, no two syncs at once (asserts at the move and at the syncs);
 *   - a failed sync's records are cut off and their numbers given again: each move finds
 *     the file holding exactly its group, in order, and the end finds it holding the rest;
 *   - no deadlock: every process reaches its end;
 *   - with weak fairness, every delivery is answered, 250 or 451 (ltl all_answered).
 * Mutants live in proofs/mutants/. */

#ifndef K
#define K 2
#endif
#ifndef M
#define M 2
#endif
#ifndef B
#define B 2
#endif
#ifndef FAILS_MAX
#define FAILS_MAX 1
#endif
#ifndef MOVE_FAILS_MAX
#define MOVE_FAILS_MAX 1
#endif
#define TOTAL (K * M)

#include "monitor.pml"

#define writable 0       /* Mailbox::writable_ */
#define backup_needed 1  /* Mailbox::backup_needed_ */
#define synced_cv 2      /* Mailbox::synced_ */

/* MailboxLedger */
byte stored = 0;
byte backed_up = 0;
bool due = false;
bool moving = false;
byte first = 0;
byte last = 0;
bool stopping = false;
/* SyncLedger (appended_through is `stored`: both count the records in the files) */
byte synced = 0;
bool syncing = false;
byte syncing_through = 0;
byte failures = 0;           /* failed_frontiers_.size() */
byte frontier[FAILS_MAX + 1];  /* failed_frontiers_ */

/* the disk, and what the proof watches */
byte file[TOTAL];
byte file_length = 0;
byte durable = 0;
bool file_moving = false;
bool sync_running = false;
bool names = true;           /* the folder's names are durable */
byte moved_through = 0;      /* the last number the moves have taken out of the live file */
byte move_failures = 0;
byte answered = 0;
byte delivering_done = 0;
byte finished = 0;

/* Mailbox::sync_now(lock): called and left with the lock held */
inline sync_now() {
  syncing = true;                /* sync_.begin_sync() */
  syncing_through = stored;
  unlock();
  atomic {                       /* store_.sync(): fdatasync covers what the file holds */
    assert(!file_moving && !sync_running);
    sync_running = true;
    cover = (file_length > 0 -> file[file_length - 1] : backed_up)
  };
  if                             /* the folder first, if a move changed it; then the data */
  :: atomic {
#ifndef DATA_SYNC_SKIPS_FOLDER
       names = true;
#endif
       sync_running = false; durable = (cover > durable -> cover : durable); ok = true }
  :: failures < FAILS_MAX -> atomic { sync_running = false; ok = false }
  fi;
  lock();
  syncing = false;
  if
  :: ok -> synced = syncing_through   /* sync_.sync_succeeded() */
  :: else ->                          /* lose_unsynced() */
    frontier[failures] = synced;
    failures++;
    file_length = synced - backed_up; /* store_.cut() */
    stored = synced;                  /* ledger_.cut_back() */
    if
    :: due && last > stored -> due = false
    :: else -> skip
    fi;
    notify_all(writable)
  fi;
  notify_all(synced_cv);
  if
  :: due -> notify_one(backup_needed)  /* its group may be durable now */
  :: else -> skip
  fi
}

active [K] proctype deliverer() {
  byte m = 0;
  byte number, epoch, cover;
  bool ok;
  do
  :: m < M ->
    lock();
    do
    :: !due && !moving -> break    /* machine_.write_step() */
#ifdef SKIPS_BACKUP_WAIT
    :: else -> break
#else
    :: else -> wait(writable)
#endif
    od;
    number = stored + 1;
    atomic { assert(!file_moving && !due); file[file_length] = number; file_length++ };
    stored++;                    /* ledger_.stored(), sync_.appended() */
    epoch = failures;
    if  /* a full group is due, with any a failed move left before it */
    :: stored % B == 0 -> due = true; first = backed_up + 1; last = stored
    :: else -> skip
    fi;
    if
    :: due -> notify_one(backup_needed)
    :: else -> skip
    fi;
#ifndef REPLIES_BEFORE_SYNC
    do  /* until sync_.fate(ticket) is durable or lost */
    :: epoch < failures && number <= frontier[epoch] -> ok = true; break
    :: epoch < failures && number > frontier[epoch] -> ok = false; break
    :: epoch == failures && number <= synced -> ok = true; break
    :: else ->
      if
      :: !syncing && stored > synced ->
        unlock();  /* the turns it leaves to deliveries under way, before it syncs */
        lock();
        if
        :: !syncing && stored > synced -> sync_now()
        :: else -> skip
        fi
      :: else -> wait(synced_cv);
#ifdef WAKES_ON_ANY_SYNC
        if
        :: epoch == failures -> ok = true; break
        :: else -> skip
        fi
#endif
      fi
    od;
#else
    ok = true;
#endif
    /* a 250 only for a durable record, by a durable name if it is in the live file */
    assert(!ok || (number <= durable && (number <= moved_through || names)));
    unlock();
    answered++;
    m++
  :: else -> break
  od;
  delivering_done++;
  finished++
}

active proctype backup() {
  byte k, cover;
  bool ok;
  lock();
  do
  :: true ->
    do
#ifndef BACKS_UP_UNSYNCED
    :: due && synced >= last -> break
#else
    :: due -> break
#endif
    :: !due && stopping -> break
    :: else ->
      if
      :: due && !syncing && stored > synced -> sync_now()
      :: else -> wait(backup_needed)
      fi
    od;
    if
    :: !due -> unlock(); break
    :: else -> skip
    fi;
    due = false;
    moving = true;
    unlock();
    atomic {  /* store_.move_to_backup(range) */
      assert(!sync_running && durable >= last);
      file_moving = true
    };
    if
    :: atomic {
         assert(file_length == last - first + 1);
         for (k : 0 .. file_length - 1) { assert(file[k] == first + k) }
         file_length = 0
       };
       atomic { file_moving = false; names = false; moved_through = last };  /* not yet durable */
       ok = true
    :: move_failures < MOVE_FAILS_MAX ->  /* the group stays in the live file */
       atomic { file_moving = false; move_failures++ };
       ok = false
    fi;
    lock();
    moving = false;                 /* machine_.move_ended(ok) */
#ifdef WAKES_ONE_WRITER
    notify_one(writable);
#else
    notify_all(writable);
#endif
#ifndef FAILED_MOVE_COUNTS_AS_MADE
    if
    :: !ok -> goto next_round
    :: else -> skip
    fi;
#endif
    backed_up = last;
    /* sync_names(lock): the folder, in a sync's turn, while deliveries append */
#ifndef NAMES_SYNC_WITHOUT_TURN
    syncing = true;
    syncing_through = stored;
#endif
    unlock();
    atomic { assert(!sync_running); sync_running = true };
    if
    :: atomic { names = true; sync_running = false }
    :: atomic { sync_running = false }  /* failed: the next data sync tries it first */
    fi;
    lock();
#ifndef NAMES_SYNC_WITHOUT_TURN
    syncing = false;
    synced = syncing_through;
#endif
    notify_all(synced_cv);
next_round:
    skip
  od;
  finished++
}

active proctype closer() {
  delivering_done == K;
  lock();
  stopping = true;
  notify_all(backup_needed);
  unlock();
  finished++
}

/* At the end the live file holds the messages after the last backup, in order. */
active proctype ending() {
  byte k;
  finished == K + 2;
  assert(file_length == stored - backed_up);
  for (k : 0 .. file_length - 1) { assert(file[k] == backed_up + 1 + k) }
}

ltl all_answered { <> (answered == TOTAL) }
