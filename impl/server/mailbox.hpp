// The mailbox monitor: one mutex and three condition variables around two pure ledgers and a
// store. MailboxLedger numbers and groups: a delivery takes its number and appends its record
// under the lock, so the order in the file is number order, and the backup thread moves each
// full group out of the live file while deliveries wait on `writable_`. SyncLedger commits in
// groups: after its append a delivery waits on `synced_` until a sync covers its number, and
// if no sync runs it runs one itself, outside the lock, so that one fdatasync covers every
// record appended before it began (and first leaves a few turns to the deliveries under way,
// so that it covers them too). The order between the two: a group moves only once it is
// durable and while no sync runs, and no sync starts while it moves (nothing is appended
// then), so a sync never works on a file the backup is replacing. Right after a move the
// backup thread syncs the folder in a sync's turn, while deliveries append again.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/body_quoting.hpp"
#include "core/envelope.hpp"
#include "core/mailbox_ledger.hpp"
#include "core/record.hpp"
#include "core/sync_ledger.hpp"
#include "server/folder.hpp"
#include "server/sync.hpp"

namespace postable {

// Where the monitor tells of a failed write, sync or backup; called under its lock, where the
// store's error may be read.
using MailboxLog = std::function<void(const std::string&)>;

// What the files held at start: messages 1..stored, through backed_up in backup files, the
// live file `live_bytes` long and durable (all zero for the assignment's empty start).
struct MailboxStart {
  std::uint64_t stored = 0, backed_up = 0, live_bytes = 0;
};

template <typename Store, typename Sync = StdSync>
class Mailbox {
 public:
  Mailbox(Store& store, std::uint64_t backup_every, std::string server_name, MailboxLog log,
          MailboxStart start = {})
      : store_(store),
        ledger_(backup_every, start.stored, start.backed_up),
        sync_(start.stored, start.live_bytes),
        server_name_(std::move(server_name)),
        log_(std::move(log)) {}

  // Stores one message: its number once its record is durable, or nullopt when the write
  // or the sync failed (its number is then not used).
  std::optional<std::uint64_t> deliver(const Envelope& envelope) {
    // A quoted copy only when a body line could be taken for a record's first line.
    std::string quoted;
    return deliver(envelope, StoredBody{{}, stored_body(envelope.body, quoted)});
  }

  // The same for a body already in its stored form, perhaps partly in a spool: the record is
  // the envelope's head and `body`.
  std::optional<std::uint64_t> deliver(const Envelope& envelope, const StoredBody& body) {
    std::unique_lock lock(mutex_);
    while (!ledger_.may_write()) writable_.wait(lock);
    const std::uint64_t number = ledger_.next_number();
    const std::string head = format_record_head(envelope, number, server_name_);
    if (!store_.append(head, body, record_end)) {
      log_("store failed: " + store_.last_error());
      return std::nullopt;
    }
    ledger_.stored();
    const SyncTicket ticket = sync_.appended(number, store_.size_bytes());
    if (ledger_.backup_due()) backup_needed_.notify_one();
    for (;;) {
      const Fate fate = sync_.fate(ticket);
      if (fate != Fate::pending)
        return fate == Fate::durable ? std::optional(number) : std::nullopt;
      if (sync_.sync_wanted()) {
        // Let the deliveries already under way append first, for as long as they come (a
        // few turns at most): one sync then covers them too.
        for (int turn = 0; turn < 8; ++turn) {
          const std::uint64_t appended = sync_.appended_through();
          lock.unlock();
          std::this_thread::yield();
          lock.lock();
          if (sync_.appended_through() == appended) break;
        }
        if (sync_.sync_wanted()) sync_now(lock);
      } else {
        synced_.wait(lock);
      }
    }
  }

  // The backup thread's body: moves each due group, until stop() and nothing is due.
  void run_backups() {
    std::unique_lock lock(mutex_);
    for (;;) {
      while (!backup_ready() && (ledger_.backup_due() || !stopping_)) {
        if (ledger_.backup_due() && sync_.sync_wanted()) {
          sync_now(lock);  // the group's last delivery may not have started one yet
        } else {
          backup_needed_.wait(lock);
        }
      }
      if (!ledger_.backup_due()) return;
      const BackupRange range = ledger_.begin_backup();
      lock.unlock();  // deliveries wait on `writable_`, not on the lock, while the file moves
      const bool moved = store_.move_to_backup(range);
      lock.lock();
      if (!moved) {
        log_("backup " + range.file_name() + " failed (" + store_.last_error() +
             "); its messages stay in mailbox");
      }
      ledger_.finish_backup(moved);
      if (moved) sync_.file_replaced();
      writable_.notify_all();
      if (moved) sync_names(lock);
    }
  }

  void stop() {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    backup_needed_.notify_all();
  }

 private:
  using Lock = std::unique_lock<typename Sync::mutex>;

  // A due group may move once every record of it is durable. No sync runs then, nor starts
  // until the move is over: a sync runs only for records not yet durable, and none is
  // appended while a backup is due or moving.
  bool backup_ready() const {
    const auto& due = ledger_.backup_due();
    return due && sync_.synced_through() >= due->last;
  }

  // One sync, covering every record appended so far; the lock is not held while it runs.
  void sync_now(Lock& lock) {
    sync_.begin_sync();
    lock.unlock();
    const bool synced = store_.sync();
    lock.lock();
    if (synced) {
      sync_.sync_succeeded();
    } else {
      lose_unsynced();
    }
    synced_.notify_all();
    if (ledger_.backup_due()) backup_needed_.notify_one();  // its group may be durable now
  }

  // The moved group's new names made durable, while deliveries append to the new file. It
  // takes a sync's turn (none runs after a move), so no data sync runs beside it, and the
  // next one finds the folder synced; should it fail, that one tries it again first, and no
  // record of the new file is acknowledged before it succeeds.
  void sync_names(Lock& lock) {
    sync_.begin_sync();  // covers no record: none was appended since the move
    lock.unlock();
    const bool synced = store_.sync_names();
    lock.lock();
    if (!synced) log_(store_.sync_error() + "; the next sync tries again");
    sync_.sync_succeeded();
    synced_.notify_all();
  }

  // The kernel may have dropped what it could not write: every record not yet durable is
  // lost, taken off the file, and its number given out again.
  void lose_unsynced() {
    const SyncLoss loss = sync_.sync_failed();
    log_(store_.sync_error() + "; messages " + std::to_string(loss.first) + "-" +
         std::to_string(loss.last) + " not stored");
    if (!store_.cut(loss.cut_to_bytes)) log_("cannot cut mailbox back: " + store_.last_error());
    ledger_.cut_back(loss.first - 1);
    writable_.notify_all();
  }

  Store& store_;
  typename Sync::mutex mutex_;
  typename Sync::condition_variable writable_;       // no backup due or moving
  typename Sync::condition_variable synced_;         // a sync ended
  typename Sync::condition_variable backup_needed_;  // a group is due, or became durable
  MailboxLedger ledger_;
  SyncLedger sync_;
  std::string server_name_;
  MailboxLog log_;
  bool stopping_ = false;
};

}  // namespace postable
