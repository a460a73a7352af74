// The mailbox monitor: one mutex and three condition variables around the pure
// MailboxMachine (core/mailbox_machine.hpp) and a store. The machine decides every step:
// a delivery takes its number and appends its record under the lock, so the order in the
// file is number order, then steps until a sync covers its record (or a failed one takes it
// back), yielding a few turns first so that one fdatasync covers the deliveries under way
// too; the backup thread moves each durable full group out of the live file while
// deliveries wait on `writable_`, then syncs the folder in a sync's turn. This shell only
// carries the steps out: it holds the lock, sleeps where the machine says wait, runs the
// store's calls outside the lock, and wakes whom the machine names.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/body_quoting.hpp"
#include "core/envelope.hpp"
#include "core/mailbox_machine.hpp"
#include "core/record.hpp"
#include "server/folder.hpp"
#include "server/sync.hpp"
#include "server/tracer.hpp"

namespace postable {

// Where the monitor tells of a failed write, sync or backup; called under its lock, where the
// store's error may be read.
using MailboxLog = std::function<void(const std::string&)>;

template <typename Store, typename Sync = StdSync>
class Mailbox {
 public:
  Mailbox(Store& store, std::uint64_t backup_every, std::string server_name, MailboxLog log,
          MailboxStart start = {})
      : store_(store),
        machine_(backup_every, start),
        server_name_(std::move(server_name)),
        log_(std::move(log)) {}

  // Stores one message: its number once its record is durable, or nullopt when the write
  // or the sync failed (its number is then not used).
  std::optional<std::uint64_t> deliver(const Envelope& envelope) {
    // A quoted copy only when a body line could be taken for a record's first line.
    std::string quoted;
    return deliver(envelope, StoredBody{{}, stored_body(envelope.body, quoted)});
  }

  // Tells the trace (if any) of every append, sync and move, in the order of the lock.
  void trace_to(const Tracer* tracer) { tracer_ = tracer; }

  // The same for a body already in its stored form, perhaps partly in a spool: the record is
  // the envelope's head and `body`. `connection` names its connection in the trace.
  std::optional<std::uint64_t> deliver(const Envelope& envelope, const StoredBody& body,
                                       std::uint32_t connection = 0) {
    std::unique_lock lock(mutex_);
    while (machine_.write_step() == WriteStep::wait) writable_.wait(lock);
    const std::uint64_t number = machine_.next_number();
    const std::string head = format_record_head(envelope, number, server_name_);
    if (!store_.append(head, body, record_end)) {
      log_("store failed: " + store_.last_error());
      return std::nullopt;
    }
    note(trace::Kind::record_appended, connection, number, store_.size_bytes(), true);
    Wakes wakes;
    const SyncTicket ticket = machine_.appended(store_.size_bytes(), wakes);
    wake(wakes);
    for (Batching batching;;) {
      switch (machine_.delivery_step(ticket, batching)) {
        case DeliveryStep::durable:
          return number;
        case DeliveryStep::lost:
          return std::nullopt;
        case DeliveryStep::yield:
          lock.unlock();
          std::this_thread::yield();
          lock.lock();
          break;
        case DeliveryStep::sync:
          sync_now(lock);
          break;
        case DeliveryStep::wait:
          synced_.wait(lock);
          break;
      }
    }
  }

  // The backup thread's body: moves each due group, until stop() and nothing is due.
  void run_backups() {
    std::unique_lock lock(mutex_);
    for (;;) {
      switch (machine_.backup_step()) {
        case BackupStep::exit:
          return;
        case BackupStep::wait:
          backup_needed_.wait(lock);
          break;
        case BackupStep::sync:
          sync_now(lock);  // the group's last delivery may not have started one yet
          break;
        case BackupStep::move:
          move_group(lock);
          break;
      }
    }
  }

  void stop() {
    std::unique_lock lock(mutex_);
    wake(machine_.stop());
  }

 private:
  using Lock = std::unique_lock<typename Sync::mutex>;

  void note(trace::Kind kind, std::uint32_t connection, std::uint64_t a, std::uint64_t b,
            bool ok) const {
    if (tracer_ != nullptr) tracer_->mailbox(kind, connection, a, b, ok);
  }

  void wake(const Wakes& wakes) {
    if (wakes.writers) writable_.notify_all();
    if (wakes.synced) synced_.notify_all();
    if (wakes.backup) backup_needed_.notify_one();
  }

  // The sync a step began, covering every record appended so far; the lock is not held
  // while it runs.
  void sync_now(Lock& lock) {
    const std::uint64_t covered = store_.size_bytes();
    note(trace::Kind::sync_begun, 0, covered, 0, true);
    lock.unlock();
    const bool synced = store_.sync();
    lock.lock();
    note(trace::Kind::sync_ended, 0, covered, 0, synced);
    const SyncEnd end = machine_.sync_ended(synced);
    if (end.loss) {
      log_(store_.sync_error() + "; messages " + std::to_string(end.loss->first) + "-" +
           std::to_string(end.loss->last) + " not stored");
      if (!store_.cut(end.loss->cut_to_bytes)) {
        log_("cannot cut mailbox back: " + store_.last_error());
      }
    }
    wake(end.wakes);
  }

  // The due group out of the live file; deliveries wait on `writable_`, not on the lock,
  // while it moves. Then the new names made durable, while deliveries append to the new file.
  void move_group(Lock& lock) {
    const BackupRange range = machine_.begin_move();
    note(trace::Kind::move_begun, 0, range.first, range.last, true);
    lock.unlock();
    const bool moved = store_.move_to_backup(range);
    lock.lock();
    note(trace::Kind::move_ended, 0, range.first, range.last, moved);
    if (!moved) {
      log_("backup " + range.file_name() + " failed (" + store_.last_error() +
           "); its messages stay in mailbox");
    }
    const MoveEnd end = machine_.move_ended(moved);
    wake(end.wakes);
    if (!end.sync_names) return;
    lock.unlock();
    const bool synced = store_.sync_names();
    lock.lock();
    if (!synced) log_(store_.sync_error() + "; the next sync tries again");
    note(trace::Kind::folder_synced, 0, 0, 0, synced);
    wake(machine_.names_synced());
  }

  Store& store_;
  typename Sync::mutex mutex_;
  typename Sync::condition_variable writable_;       // no backup due or moving
  typename Sync::condition_variable synced_;         // a sync ended
  typename Sync::condition_variable backup_needed_;  // a group is due, or became durable
  MailboxMachine machine_;
  std::string server_name_;
  MailboxLog log_;
  const Tracer* tracer_ = nullptr;
};

}  // namespace postable
