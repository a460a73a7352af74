// The real file store as the monitor's property sees it: every write, sync and move goes to
// the files, each is a scheduling point in its middle (a real write, sync or move takes time,
// and others may run meanwhile), and each checks the monitor's order, throwing at once with
// the rule it broke: no write while a backup is due or moving, no backup of a group no sync
// has covered, no sync beside a move. A sync covers what was appended when it was called
// (as fdatasync does); the syncs RapidCheck chose fail instead, as a disk's error would.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "property/scheduler.hpp"
#include "server/file_store.hpp"

namespace postable::testing {

class WatchedStore {
 public:
  // `files` must not sync itself (Durability::none): durability is this class's to judge.
  WatchedStore(FileStore& files, std::uint64_t backup_every, std::vector<bool> failing_syncs)
      : files_(files), backup_every_(backup_every), failing_syncs_(std::move(failing_syncs)) {}

  bool append(std::string_view head, const StoredBody& body, std::string_view end) {
    if (moving_) throw Broken("a write landed while a backup was moving the file");
    if (appended_through() % backup_every_ == 0 && appended_through() > moved_through_) {
      throw Broken("a write landed while a backup was due");
    }
    Scheduler::current().yield("write");
    if (!files_.append(head, body, end)) return false;
    live_ends_.push_back(files_.size_bytes());
    return true;
  }

  bool sync() {
    if (moving_) throw Broken("a sync ran while a backup was moving the file");
    if (syncing_) throw Broken("a sync ran beside another sync (of the data or the folder)");
    const std::uint64_t covers = appended_through();
    syncing_ = true;
    Scheduler::current().yield("sync");
    syncing_ = false;
    const bool fails = next_sync_ < failing_syncs_.size() && failing_syncs_[next_sync_];
    ++next_sync_;
    if (!fails) durable_through_ = std::max(durable_through_, covers);
    return !fails;
  }

  // The folder's sync after a move takes a sync's turn: never beside a data sync or a move.
  bool sync_names() {
    if (moving_) throw Broken("the folder was synced while a backup was moving the file");
    if (syncing_) throw Broken("the folder was synced beside a data sync");
    syncing_ = true;
    for (int step = 0; step < 3; ++step) Scheduler::current().yield("sync names");  // a long one
    syncing_ = false;
    return files_.sync_names();
  }

  bool cut(std::uint64_t bytes) {
    while (!live_ends_.empty() && live_ends_.back() > bytes) live_ends_.pop_back();
    return files_.cut(bytes);
  }

  bool move_to_backup(const BackupRange& range) {
    if (syncing_) throw Broken("a backup moved the file while a sync ran");
    if (durable_through_ < range.last) {
      throw Broken("a backup moved " + range.file_name() + " before a sync covered it");
    }
    moving_ = true;
    Scheduler::current().yield("move");
    const bool moved = files_.move_to_backup(range);
    moving_ = false;
    moved_through_ = range.last;
    live_ends_.clear();
    return moved;
  }

  std::uint64_t size_bytes() const { return files_.size_bytes(); }
  const std::string& last_error() const { return files_.last_error(); }
  const std::string& sync_error() const { return sync_error_; }
  std::uint64_t durable_through() const { return durable_through_; }

 private:
  std::uint64_t appended_through() const { return moved_through_ + live_ends_.size(); }

  FileStore& files_;
  std::uint64_t backup_every_;
  std::vector<bool> failing_syncs_;
  std::size_t next_sync_ = 0;
  std::vector<std::uint64_t> live_ends_;  // where each record of the live file ends
  std::uint64_t moved_through_ = 0;       // the last number moved to a backup
  std::uint64_t durable_through_ = 0;     // the last number a successful sync covered
  bool moving_ = false;
  bool syncing_ = false;
  std::string sync_error_ = "a sync failed (as RapidCheck chose)";
};

}  // namespace postable::testing
