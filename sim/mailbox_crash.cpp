// The simulated server's death and restart, on the mailbox's side: what the virtual disk
// keeps of the files, the real recovery over it, and the mailbox machine started again from
// what recovery found.
#include "core/record.hpp"
#include "sim/connection.hpp"
#include "sim/mailbox.hpp"

namespace postable::sim {

namespace {

// A backup file as recovery would find it: whole, exactly its range.
FoundFile backup_file(const BackupRange& range, std::uint64_t inode) {
  FoundFile file;
  file.name = range.file_name();
  file.inode = inode;
  file.first = range.first;
  file.last = range.last;
  return file;
}

}  // namespace

// The backups older than the last few are never touched again, and recovery reads only their
// names and numbers: they stand before it as one file of their whole range, which it judges
// as it would judge them all, so a world's memory does not grow with its backups.
void Mailbox::add_backup(const BackupRange& range) {
  backups_.push_back(range);
  if (backups_.size() > backups_kept) {
    merged_through_ = backups_.front().last;
    backups_.pop_front();
  }
}

std::uint64_t Mailbox::backed_up_through() const {
  return backups_.empty() ? merged_through_ : backups_.back().last;
}

// What the disk holds after the crash: the backups made; the live file's durable bytes and
// any part of the rest; a backup caught moving at any of its steps (core/recovery.hpp).
std::vector<FoundFile> Mailbox::files_after_crash() {
  std::vector<FoundFile> files;
  if (merged_through_ > 0) files.push_back(backup_file(BackupRange{1, merged_through_}, 9));
  for (std::size_t i = 0; i < backups_.size(); ++i)
    files.push_back(backup_file(backups_[i], i + 10));
  // Half the crashes keep nothing unsynced (a power cut at the worst moment); the others keep
  // a part of it, cut at any byte, and half of those then zeros up to the size the appends
  // reached (the size on disk before the data), which recovery must cut.
  const std::uint64_t unsynced = live_.size() - durable_bytes_;
  const std::uint64_t size = live_.size();
  const bool some = context_.rng.below(2) == 1;
  const std::uint64_t kept = durable_bytes_ + (some ? context_.rng.below(unsynced + 1) : 0);
  live_.resize(kept);
  if (some && context_.rng.below(2) == 1) live_.resize(size, '\0');
  constexpr std::uint64_t live_inode = 1;
  const std::uint64_t step = machine_.backup_running() ? context_.rng.below(3) : 3;
  if (step < 2) files.push_back(examine_mailbox_file(std::string(next_file_name), 2, ""));
  if (step == 1)
    files.push_back(examine_mailbox_file(moving_range_.file_name(), live_inode, live_));
  if (step == 2) {  // the backup is whole, its new live file named: only the folder's sync was due
    files.push_back(backup_file(moving_range_, 3));
    live_.clear();
  }
  files.push_back(examine_mailbox_file(std::string(live_file_name), live_inode, live_));
  return files;
}

std::optional<RecoveryPlan> Mailbox::crash() {
  const Recovery recovery = plan_recovery(files_after_crash());
  if (const auto* error = std::get_if<RecoveryError>(&recovery)) {
    context_.oracle.fail("recovery refused the files a crash left: " + error->line(), 0);
    return std::nullopt;
  }
  const RecoveryPlan plan = std::get<RecoveryPlan>(recovery);
  ++life_;
  if (plan.backed_up > backed_up_through()) {
    add_backup(moving_range_);  // recovery kept the group in its backup
  }
  live_.resize(plan.fresh_live ? 0 : plan.live_bytes);
  durable_bytes_ = live_.size();
  machine_ = MailboxMachine(context_.params.backup_every,
                            MailboxStart{plan.stored, plan.backed_up, live_.size()});
  writers_.clear();
  synced_waiters_.clear();
  moving_ = backup_busy_ = backup_syncs_ = false;
  step_backup();  // a group recovered whole in the live file is due at once
  return plan;
}

}  // namespace postable::sim
