#include "core/mailbox_ledger.hpp"

#include "core/assert.hpp"
#include "core/folder_layout.hpp"

namespace postable {

std::string BackupRange::file_name() const {
  return backup_file_name(*this);
}

MailboxLedger::MailboxLedger(std::uint64_t backup_every) : backup_every_(backup_every) {
  POSTABLE_ASSERT(backup_every_ > 0);
}

MailboxLedger::MailboxLedger(std::uint64_t backup_every, std::uint64_t stored,
                             std::uint64_t backed_up)
    : backup_every_(backup_every), stored_(stored), backed_up_(backed_up) {
  POSTABLE_ASSERT(backup_every_ > 0 && backed_up_ <= stored_);
  if (stored_ > backed_up_) note_full_group();
}

void MailboxLedger::note_full_group() {
  if (stored_ % backup_every_ == 0) due_ = BackupRange{backed_up_ + 1, stored_};
}

void MailboxLedger::cut_back(std::uint64_t last_kept) {
  POSTABLE_ASSERT(!moving_ && last_kept >= backed_up_ && last_kept <= stored_);
  stored_ = last_kept;
  if (due_ && due_->last > stored_) due_.reset();
}

void MailboxLedger::stored() {
  POSTABLE_ASSERT(may_write());
  ++stored_;
  note_full_group();
}

BackupRange MailboxLedger::begin_backup() {
  POSTABLE_ASSERT(due_.has_value() && !moving_);
  POSTABLE_ASSERT(due_->first == backed_up_ + 1 && due_->last == stored_);
  moving_range_ = *due_;
  due_.reset();
  moving_ = true;
  return moving_range_;
}

void MailboxLedger::finish_backup(bool moved) {
  POSTABLE_ASSERT(moving_);
  moving_ = false;
  if (moved) backed_up_ = moving_range_.last;
}

}  // namespace postable
