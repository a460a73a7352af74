// The real file store as the monitor's property sees it: every write and move goes to the
// files, each is a scheduling point in its middle (a real write or move takes time, and
// others may run meanwhile), and a write that lands while a backup is due or moving throws
// at once, naming the rule it broke.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "property/scheduler.hpp"
#include "server/file_store.hpp"

namespace postable::testing {

class WatchedStore {
 public:
  WatchedStore(FileStore& files, std::uint64_t backup_every)
      : files_(files), backup_every_(backup_every) {}

  bool append(std::string_view head, std::string_view body, std::string_view end) {
    if (moving_) throw Broken("a write landed while a backup was moving the file");
    if (written_ / backup_every_ > moved_) throw Broken("a write landed while a backup was due");
    Scheduler::current().yield("write");
    ++written_;
    return files_.append(head, body, end);
  }

  bool move_to_backup(const BackupRange& range) {
    moving_ = true;
    Scheduler::current().yield("move");
    const bool moved = files_.move_to_backup(range);
    moving_ = false;
    ++moved_;
    return moved;
  }

 private:
  FileStore& files_;
  std::uint64_t backup_every_;
  std::uint64_t written_ = 0;  // records written
  std::uint64_t moved_ = 0;    // groups moved out
  bool moving_ = false;
};

}  // namespace postable::testing
