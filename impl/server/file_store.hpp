// The mailbox on disk: `mailbox` in the server's folder and the backup files beside it, over
// a Folder (the real one, or the crash tests' model). Appends are all or nothing: a failed
// write is cut back off the file, so no partial record is ever left. Not thread-safe, but
// for one rule the Mailbox monitor keeps: sync() and sync_names() run outside its lock, beside
// appends, never beside each other, move_to_backup() or cut().
//
// Every step that touches the disk, and what a crash right after it leaves:
//   start_fresh: remove `mailbox`, create it, sync the folder (with Durability::none, no
//     sync here or anywhere). A crash leaves no `mailbox` or an empty one; the old file loses
//     only its name, so a backup that shared it keeps its content.
//   append: the record, whole, in the page cache; a crash may keep any prefix of what was
//     appended since the last sync, or such a prefix then zeros (the size on disk before the
//     data); recovery cuts that torn tail at the end of the last whole record. A spooled body
//     makes it three steps (head, the copy, the rest), each of which such a crash may tear.
//   sync: fdatasync; only now does the monitor reply 250 to the records it covers.
//   move_to_backup: see the steps in core/recovery.hpp; sync_names() syncs the folder after
//     them (and sync() does first, if it has not).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/mailbox_ledger.hpp"
#include "core/recovery.hpp"
#include "server/folder.hpp"

namespace postable {

enum class Durability { sync, none };

class FileStore {
 public:
  FileStore(Folder& folder, Durability durability) : folder_(folder), durability_(durability) {}
  ~FileStore();
  FileStore(const FileStore&) = delete;
  FileStore& operator=(const FileStore&) = delete;

  // The assignment's start: a new empty `mailbox`. Throws std::runtime_error (one line).
  void start_fresh();
  // --resume: reads the folder, carries out recovery's plan and returns it (its notes are
  // for the log). What recovery cannot make sense of throws std::runtime_error with
  // RecoveryError::line(), and then no file has been changed.
  RecoveryPlan resume();

  // Appends head, body and end as one record; false (and nothing written) on failure. A body
  // with a front in a spool is copied in (one write, the copy, one more write).
  bool append(std::string_view head, const StoredBody& body, std::string_view end);
  std::uint64_t size_bytes() const { return size_bytes_; }
  // Every record appended so far on stable storage (and the folder, if a backup changed it).
  // With Durability::none, true at once. On failure the reason is sync_error().
  bool sync();
  const std::string& sync_error() const { return sync_error_; }
  // After a failed sync: the records from byte `bytes` on are taken back off the file.
  bool cut(std::uint64_t bytes);
  // Moves the live file's content to `{range.file_name()}` and leaves the file empty.
  bool move_to_backup(const BackupRange& range);
  // The backup's new names on stable storage (a sync of the folder); true at once when no
  // backup changed it, or with Durability::none. Runs outside the monitor's lock like
  // sync(), never beside it. On failure the reason is sync_error().
  bool sync_names();

  const std::string& last_error() const { return last_error_; }
  std::uint64_t data_syncs() const { return data_syncs_.load(std::memory_order_relaxed); }
  // Time spent in the data syncs, for the log's figures.
  std::chrono::nanoseconds sync_time() const {
    return std::chrono::nanoseconds(sync_nanos_.load(std::memory_order_relaxed));
  }

 private:
  bool synced() const { return durability_ == Durability::sync; }
  bool fail(const std::string& why);  // last_error_ = why (with the folder's reason); false
  std::vector<FoundFile> examine_folder();
  void carry_out(const RecoveryPlan& plan);

  Folder& folder_;
  Durability durability_;
  Folder::Handle file_ = Folder::no_file;
  std::uint64_t size_bytes_ = 0;
  bool folder_unsynced_ = false;  // a backup's renames not yet durable
  bool broken_ = false;           // a failed sync's records could not be cut off
  std::string last_error_, sync_error_;
  std::atomic<std::uint64_t> data_syncs_ = 0;
  std::atomic<std::uint64_t> sync_nanos_ = 0;
};

}  // namespace postable
