// The mailbox monitor: one mutex and two condition variables around MailboxLedger and a
// store. A delivery takes its number and appends its record under the lock, so the order in
// the file is number order. The backup thread moves each full group out of the live file;
// deliveries that arrive meanwhile wait on `writable_` until it is done.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "core/body_quoting.hpp"
#include "core/envelope.hpp"
#include "core/mailbox_ledger.hpp"
#include "core/record.hpp"
#include "server/sync.hpp"

namespace postable {

template <typename Store, typename Sync = StdSync>
class Mailbox {
 public:
  Mailbox(Store& store, std::uint64_t backup_every, std::string server_name)
      : store_(store), ledger_(backup_every), server_name_(std::move(server_name)) {}

  // Stores one message: its number, or nullopt when the store failed (no number is used).
  // `on_failure` runs under the lock, where the store's error can be read safely.
  template <typename OnFailure>
  std::optional<std::uint64_t> deliver(const Envelope& envelope, OnFailure on_failure) {
    // A quoted copy only when a body line could be taken for a record's first line.
    std::string quoted;
    const std::string_view body = stored_body(envelope.body, quoted);
    std::unique_lock lock(mutex_);
    while (!ledger_.may_write()) writable_.wait(lock);
    const std::uint64_t number = ledger_.next_number();
    const std::string head = format_record_head(envelope, number, server_name_);
    if (!store_.append(head, body, record_end)) {
      on_failure();
      return std::nullopt;
    }
    ledger_.stored();
    if (ledger_.backup_due()) backup_needed_.notify_one();
    return number;
  }

  // The backup thread's body: moves each due group, until stop() and nothing is due.
  // `on_failure` hears of a backup the store could not make (its messages stay live and
  // go with the next group).
  template <typename OnFailure>
  void run_backups(OnFailure on_failure) {
    std::unique_lock lock(mutex_);
    for (;;) {
      while (!ledger_.backup_due() && !stopping_) backup_needed_.wait(lock);
      if (!ledger_.backup_due()) return;
      const BackupRange range = ledger_.begin_backup();
      lock.unlock();  // deliveries wait on `writable_`, not on the lock, while the file moves
      const bool moved = store_.move_to_backup(range);
      if (!moved) on_failure(range);
      lock.lock();
      ledger_.finish_backup(moved);
      writable_.notify_all();
    }
  }

  void stop() {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    backup_needed_.notify_all();
  }

 private:
  Store& store_;
  typename Sync::mutex mutex_;
  typename Sync::condition_variable writable_;
  typename Sync::condition_variable backup_needed_;
  MailboxLedger ledger_;
  std::string server_name_;
  bool stopping_ = false;
};

}  // namespace postable
