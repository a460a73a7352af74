// The real file store as the monitor's property sees it: every write and move goes to the
// files, each is a scheduling point in its middle (a real write or move takes time, and
// others may run meanwhile), and a write that lands while a backup is due or moving throws
// at once, naming the rule it broke.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "file_store.hpp"
#include "scheduler.hpp"

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

// One record as read back from a mailbox file.
struct StoredRecord {
  std::uint64_t number = 0;
  std::string body;  // its single line, without the newline
};

// Every file of a mailbox folder by name, each with its records in file order. Bodies are
// the single lines the properties deliver.
std::map<std::string, std::vector<StoredRecord>> read_mailbox_folder(
    const std::filesystem::path& dir);

// What is wrong with a mailbox folder after `total` deliveries with backups every
// `backup_every`: numbers 1..total once each, each backup file holding exactly its group in
// order and named for it, the live file holding the rest in order. Empty when all is well.
std::string check_mailbox_folder(const std::map<std::string, std::vector<StoredRecord>>& files,
                                 std::uint64_t total, std::uint64_t backup_every);

// A fresh empty folder, removed with the object.
class TemporaryFolder {
 public:
  TemporaryFolder();
  ~TemporaryFolder();
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace postable::testing
