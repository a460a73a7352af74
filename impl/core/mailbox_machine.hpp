// The mailbox as one pure machine: every decision of the group commit and the backup, run by
// smtpd's monitor (server/mailbox.hpp, under its lock, over real threads and files) and by
// the simulator's (sim/mailbox.cpp, over the agenda and a virtual disk) alike. It composes the
// two ledgers: MailboxLedger numbers and groups, SyncLedger says what is durable. The drivers
// carry out its steps and wake whom it names; they decide nothing.
//
//   delivery: write_step(): wait, or append -> next_number() -> [append] -> appended() ->
//             delivery_step()... until durable (250) or lost (451); yield, sync or wait
//   sync:     a step that says sync has begun one -> [fdatasync, outside the lock] ->
//             sync_ended(ok)
//   backup:   backup_step(): move -> begin_move() -> [rename...] -> move_ended(moved)
//             [-> the folder's sync at once: names_synced()], or sync, or wait, or exit
//
// Header-only, so that a planted bug (tests/mutants.cmake) is built into both worlds.
#pragma once

#include <cstdint>
#include <optional>

#include "core/mailbox_ledger.hpp"
#include "core/sync_ledger.hpp"

namespace postable {

// What the files held at start: messages 1..stored, through backed_up in backup files, the
// live file `live_bytes` long and durable (all zero for the assignment's empty start).
struct MailboxStart {
  std::uint64_t stored = 0, backed_up = 0, live_bytes = 0;
};

// Whom a step wakes: deliveries waiting to write, deliveries waiting for a sync, the backup.
struct Wakes {
  bool writers = false, synced = false, backup = false;
};

enum class WriteStep : std::uint8_t {
  append,  // take next_number(), append the record, then appended()
  wait,    // a backup is due or moving: wait until a step wakes the writers
};

enum class DeliveryStep : std::uint8_t {
  durable,  // the record is covered by a sync: reply 250
  lost,     // a failed sync took it back: reply 451, its number is given out again
  yield,    // the batching turn: let deliveries under way append, then step again
  sync,     // a sync has begun, covering every record appended: run it, then sync_ended()
  wait,     // a sync runs that may cover it: wait for its end
};

enum class BackupStep : std::uint8_t {
  move,  // a due group is durable: begin_move()
  sync,  // the group's last delivery had not started a sync: one has begun, run it
  wait,  // for a group to fall due or become durable (or the stop)
  exit,  // stopped, and nothing is due
};

// A delivery's own part of the batching turn: how many yields so far, and how many records
// had been appended at the last.
struct Batching {
  int turns = 0;
  std::uint64_t appended = 0;
};
// Yields at most, while each lets another delivery append: one sync then covers them all.
inline constexpr int batching_turns_max = 8;

// A sync's end: whom to wake and, for a failed one, what it lost (cut the file back to
// loss->cut_to_bytes; numbers first..last are given out again).
struct SyncEnd {
  Wakes wakes;
  std::optional<SyncLoss> loss;
};

// A move's end: whom to wake, and whether the folder's sync must run at once (it has begun:
// run it, outside the lock, then names_synced()).
struct MoveEnd {
  Wakes wakes;
  bool sync_names = false;
};

class MailboxMachine {
 public:
  MailboxMachine(std::uint64_t backup_every, MailboxStart start = {})
      : ledger_(backup_every, start.stored, start.backed_up),
        sync_(start.stored, start.live_bytes) {}

  // ---- a delivery ----
  // While a backup is due or moving, deliveries wait (woken by `writers`).
  WriteStep write_step() const { return ledger_.may_write() ? WriteStep::append : WriteStep::wait; }
  std::uint64_t next_number() const { return ledger_.next_number(); }
  // The record of next_number() is in the file, which now ends at `end_bytes`.
  SyncTicket appended(std::uint64_t end_bytes, Wakes& wakes) {
    const std::uint64_t number = ledger_.next_number();
    ledger_.stored();
    if (ledger_.backup_due()) wakes.backup = true;
    return sync_.appended(number, end_bytes);
  }
  DeliveryStep delivery_step(const SyncTicket& ticket, Batching& batching) {
    const Fate fate = sync_.fate(ticket);
    if (fate != Fate::pending)
      return fate == Fate::durable ? DeliveryStep::durable : DeliveryStep::lost;
    if (!sync_.sync_wanted()) {
      batching = {};
      return DeliveryStep::wait;
    }
    // Yield while the deliveries under way come, a few turns at most.
    const bool first = batching.turns == 0;
    if (first ||
        (batching.turns < batching_turns_max && sync_.appended_through() != batching.appended)) {
      batching.appended = sync_.appended_through();
      ++batching.turns;
      return DeliveryStep::yield;
    }
    batching = {};
    sync_.begin_sync();
    return DeliveryStep::sync;
  }

  // ---- a sync: one at a time, covering every record appended before it began ----
  SyncEnd sync_ended(bool ok) {
    SyncEnd end;
    end.wakes.synced = true;
    if (ok) {
      sync_.sync_succeeded();
    } else {
      // The kernel may have dropped what it could not write: every record not yet durable
      // is lost, taken off the file, and its number given out again.
      end.loss = sync_.sync_failed();
      ledger_.cut_back(end.loss->first - 1);
      end.wakes.writers = true;
    }
    if (ledger_.backup_due()) end.wakes.backup = true;  // its group may be durable now
    return end;
  }

  // ---- the backup thread ----
  BackupStep backup_step() {
    if (backup_ready()) return BackupStep::move;
    if (!ledger_.backup_due()) return stopping_ ? BackupStep::exit : BackupStep::wait;
    if (!sync_.sync_wanted()) return BackupStep::wait;
    sync_.begin_sync();
    return BackupStep::sync;
  }
  BackupRange begin_move() { return ledger_.begin_backup(); }
  // A failed move leaves its messages in the live file (the next group's backup takes them).
  // A move that succeeded replaced the live file; the folder's sync then takes a sync's turn
  // at once (none runs after a move), so no data sync runs beside it.
  MoveEnd move_ended(bool moved) {
    ledger_.finish_backup(moved);
    MoveEnd end;
    end.wakes.writers = true;
    if (moved) {
      sync_.file_replaced();
      sync_.begin_sync();  // covers no record: none was appended since the move
      end.sync_names = true;
    }
    return end;
  }
  // The folder's sync ended. Should it have failed, the file store's next sync tries it
  // again first, and no record of the new file is acknowledged before that succeeds.
  Wakes names_synced() {
    sync_.sync_succeeded();
    return Wakes{.synced = true};
  }

  // ---- the stop: the backup thread makes the due backup, then exits ----
  Wakes stop() {
    stopping_ = true;
    return Wakes{.backup = true};
  }

  bool backup_running() const { return ledger_.backup_running(); }
  bool syncing() const { return sync_.syncing(); }
  const MailboxLedger& ledger() const { return ledger_; }
  const SyncLedger& sync() const { return sync_; }

 private:
  // A due group may move once every record of it is durable. No sync runs then, nor starts
  // until the move is over: a sync runs only for records not yet durable, and none is
  // appended while a backup is due or moving.
  bool backup_ready() const {
    const auto& due = ledger_.backup_due();
    return due && sync_.synced_through() >= due->last;
  }

  MailboxLedger ledger_;
  SyncLedger sync_;
  bool stopping_ = false;
};

}  // namespace postable
