// The mailbox's bookkeeping as a pure state machine: which number the next message gets,
// when a backup is due and of which range, and whether a delivery may write now.
//
// One delivery at a time (the monitor's lock makes it so):
//   may_write() -> next_number() -> [the record is written] -> stored()  or  nothing on failure
// The backup of the group that stored() completed:
//   backup_due() -> begin_backup() -> [the file is moved] -> finish_backup(moved)
// While a backup is due or running, may_write() is false: deliveries wait for it.
// A failed sync takes the records it was to cover back off: cut_back().
// A backup that could not be made leaves its messages in the live file; the next backup
// then takes them too, and its file is named for the whole range it holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace postable {

struct BackupRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;

  std::string file_name() const;  // "mailbox.{first}-{last}"
  friend bool operator==(const BackupRange&, const BackupRange&) = default;
};

class MailboxLedger {
 public:
  explicit MailboxLedger(std::uint64_t backup_every);
  // A mailbox recovered after a crash: `stored` messages, those through `backed_up` in
  // backups; the group that ends at `stored` is due if it has not been moved.
  MailboxLedger(std::uint64_t backup_every, std::uint64_t stored, std::uint64_t backed_up);

  bool may_write() const { return !due_ && !moving_; }
  std::uint64_t next_number() const { return stored_ + 1; }
  void stored();  // the record of next_number() is in the file
  // The records after `last_kept` were lost (a failed sync cut them off): their numbers are
  // given out again, and a backup that was due for them is not.
  void cut_back(std::uint64_t last_kept);

  const std::optional<BackupRange>& backup_due() const { return due_; }
  bool backup_running() const { return moving_; }
  BackupRange begin_backup();
  void finish_backup(bool moved);

  std::uint64_t backup_every() const { return backup_every_; }
  // Messages in the live file: those stored since the last completed group.
  std::uint64_t in_live_file() const { return stored_ - backed_up_; }

 private:
  void note_full_group();  // the group that ends at stored_, if full, is due

  std::uint64_t backup_every_;
  std::uint64_t stored_ = 0;
  std::uint64_t backed_up_ = 0;  // the last number moved into a backup file
  std::optional<BackupRange> due_;
  bool moving_ = false;
  BackupRange moving_range_;
};

}  // namespace postable
