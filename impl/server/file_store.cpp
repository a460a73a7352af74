#include "server/file_store.hpp"

#include <array>
#include <cstring>
#include <stdexcept>

namespace postable {
namespace {

const std::string live(live_file_name);
const std::string next(next_file_name);

std::string reason_of(int error_number) {
  return std::strerror(error_number);
}

std::string folder_sync_failed(int error_number) {
  return "cannot sync the mailbox folder: " + reason_of(error_number);
}

}  // namespace

FileStore::~FileStore() {
  if (file_ != Folder::no_file) folder_.close(file_);
}

bool FileStore::fail(const std::string& why) {
  last_error_ = why.empty() ? folder_.last_error() : why + " (" + folder_.last_error() + ")";
  return false;
}

// The name goes first and the file is created anew, never emptied: a crash in the middle
// of a backup leaves `mailbox` a second name of the backup, which must keep its content.
void FileStore::start_fresh() {
  if (!folder_.remove(live) || (file_ = folder_.create(live)) == Folder::no_file) {
    throw std::runtime_error(folder_.last_error());
  }
  if (!synced()) return;  // --durability none: no syncs at all
  if (const int error = folder_.sync_folder(); error != 0) {
    throw std::runtime_error(folder_sync_failed(error));
  }
}

// One file at a time in memory: recovery keeps only what it found in each.
std::vector<FoundFile> FileStore::examine_folder() {
  std::vector<FoundFile> found;
  for (const std::string& name : folder_.names()) {
    if (read_mailbox_name(name).kind == MailboxName::other) continue;
    const std::optional<FileContent> content = folder_.read(name);
    if (!content) throw std::runtime_error(name + " at byte 0: " + folder_.last_error());
    found.push_back(examine_mailbox_file(name, content->inode, content->bytes));
  }
  return found;
}

RecoveryPlan FileStore::resume() {
  const Recovery recovery = plan_recovery(examine_folder());
  if (const auto* error = std::get_if<RecoveryError>(&recovery)) {
    throw std::runtime_error(error->line());
  }
  const RecoveryPlan& plan = std::get<RecoveryPlan>(recovery);
  carry_out(plan);
  return plan;
}

// Each step leaves a folder that recovery reads the same way again, should a crash stop it.
void FileStore::carry_out(const RecoveryPlan& plan) {
  for (const std::string& name : plan.remove) {
    if (!folder_.remove(name)) throw std::runtime_error(folder_.last_error());
  }
  if (plan.fresh_live) {
    start_fresh();
    return;
  }
  file_ = folder_.open_existing(live);
  if (file_ == Folder::no_file) throw std::runtime_error(folder_.last_error());
  if (plan.cut_live && !folder_.truncate(file_, *plan.cut_live)) {
    throw std::runtime_error(folder_.last_error());
  }
  size_bytes_ = plan.live_bytes;
  if (!synced()) return;
  if (plan.cut_live) {
    if (const int error = folder_.sync_data(file_); error != 0) {
      throw std::runtime_error("cannot sync mailbox: " + reason_of(error));
    }
  }
  if (const int error = folder_.sync_folder(); error != 0) {
    throw std::runtime_error(folder_sync_failed(error));
  }
}

bool FileStore::append(std::string_view head, const StoredBody& body, std::string_view end) {
  if (broken_) return fail("mailbox could not be cut back after a failed sync");
  const std::array<std::string_view, 3> whole{head, body.rest, end};
  const std::array<std::string_view, 2> rest{body.rest, end};
  const bool spooled = body.front.bytes > 0;
  const bool appended = spooled ? folder_.append(file_, std::span(&head, 1)) &&
                                      folder_.append_copy(file_, body.front) &&
                                      folder_.append(file_, rest)
                                : folder_.append(file_, whole);
  if (appended) {
    size_bytes_ += head.size() + body.front.bytes + body.rest.size() + end.size();
    return true;
  }
  last_error_ = folder_.last_error();
  // No partial record: cut the file back to where this record began.
  if (!folder_.truncate(file_, size_bytes_)) last_error_ += "; and cannot cut back";
  return false;
}

bool FileStore::sync() {
  if (!synced()) return true;
  if (!sync_names()) return false;  // the folder first, if a move left it unsynced
  data_syncs_.fetch_add(1, std::memory_order_relaxed);
  const auto start = std::chrono::steady_clock::now();
  const int error = folder_.sync_data(file_);
  sync_nanos_.fetch_add(
      std::uint64_t((std::chrono::steady_clock::now() - start) / std::chrono::nanoseconds(1)),
      std::memory_order_relaxed);
  if (error != 0) {
    sync_error_ = "cannot sync mailbox: " + reason_of(error);
    return false;
  }
  return true;
}

bool FileStore::cut(std::uint64_t bytes) {
  if (!folder_.truncate(file_, bytes)) {
    broken_ = true;  // records whose numbers will be given again may stay: write no more
    return fail("");
  }
  size_bytes_ = bytes;
  return true;
}

// Hard links move the content without copying a byte (the steps, and what a crash after
// each leaves, are in core/recovery.hpp). The group is synced before it moves, so the backup
// is durable once its name is: sync_names() syncs the folder after the renames, and until it
// has, sync() syncs it first, before any record of the new file counts as durable.
bool FileStore::move_to_backup(const BackupRange& range) {
  const std::string target = range.file_name();
  const std::string partial = partial_file_name(range);
  Folder::Handle fresh = Folder::no_file;
  if (!folder_.remove(next) || (fresh = folder_.create(next)) == Folder::no_file) {
    return fail("");
  }
  // A step failed: the group stays live (and goes with the next backup), no new name stays.
  const auto undo = [&](const std::string& new_name) {
    fail("");
    folder_.remove(new_name);
    folder_.close(fresh);
    folder_.remove(next);
    return false;
  };
  folder_.remove(partial);  // left by a crash, if anything: link() will not replace it
  if (!folder_.link(live, partial) || !folder_.rename(partial, target)) return undo(partial);
  if (!folder_.rename(next, live)) return undo(target);
  folder_.close(file_);
  file_ = fresh;
  size_bytes_ = 0;
  folder_unsynced_ = synced();
  return true;
}

bool FileStore::sync_names() {
  if (!synced() || !folder_unsynced_) return true;
  if (const int error = folder_.sync_folder(); error != 0) {
    sync_error_ = folder_sync_failed(error);
    return false;
  }
  folder_unsynced_ = false;
  return true;
}

}  // namespace postable
