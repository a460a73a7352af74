#include "server/file_store.hpp"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace postable {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

// A new, empty file at `path`, never one reached through a symlink nor an inode that has
// another name: whatever has the name now (a file, a symlink, a link to a backup) loses only
// the name, and O_EXCL | O_NOFOLLOW make the file ours. -1 with errno set on failure.
int create_fresh(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return -1;
  return open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC, 0644);
}

}  // namespace

// The assignment's start: an empty `mailbox`. Emptied by a new inode, not by truncation, so
// that a crash in the middle of a backup (the live file's inode also named `mailbox.A-B`)
// cannot cost the backup its content at the next start.
FileStore::FileStore(std::filesystem::path dir) : dir_(std::move(dir)) {
  const std::string path = (dir_ / "mailbox").string();
  fd_ = create_fresh(path);
  if (fd_ < 0) throw std::runtime_error("cannot create " + path + ": " + errno_text());
}

FileStore::~FileStore() {
  if (fd_ >= 0) close(fd_);
}

bool FileStore::append(std::string_view head, std::string_view body, std::string_view end) {
  std::array<iovec, 3> parts{{{const_cast<char*>(head.data()), head.size()},
                              {const_cast<char*>(body.data()), body.size()},
                              {const_cast<char*>(end.data()), end.size()}}};
  const std::uint64_t total = head.size() + body.size() + end.size();
  std::uint64_t written = 0;
  std::size_t first = 0;
  while (written < total) {
    const ssize_t n = writev(fd_, parts.data() + first, int(parts.size() - first));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      last_error_ = n < 0 ? errno_text() : "short write";
      // No partial record: cut the file back to where this record began.
      if (ftruncate(fd_, off_t(size_bytes_)) != 0) last_error_ += "; and cannot cut back";
      return false;
    }
    written += std::uint64_t(n);
    for (std::size_t left = std::size_t(n); left > 0 && first < parts.size();) {
      const std::size_t take = std::min(left, parts[first].iov_len);
      parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + take;
      parts[first].iov_len -= take;
      left -= take;
      if (parts[first].iov_len == 0) ++first;
    }
  }
  size_bytes_ += total;
  return true;
}

// Hard links move the content without copying a byte: the live file's inode gets the
// backup's name (through a temporary name, so an old backup of the range is replaced in one
// step), then a fresh empty file takes the name `mailbox`. At every moment `mailbox` exists
// and the backup is whole or absent; a reader may briefly see a group in both.
bool FileStore::move_to_backup(const BackupRange& range) {
  const std::string live = (dir_ / "mailbox").string();
  const std::string next = (dir_ / "mailbox.next").string();
  const std::string target = (dir_ / range.file_name()).string();
  const std::string partial = target + ".partial";
  const int fresh = create_fresh(next);
  if (fresh < 0) {
    last_error_ = "cannot create " + next + ": " + errno_text();
    return false;
  }
  unlink(partial.c_str());  // left by a crash, if anything: link() will not replace it
  if (link(live.c_str(), partial.c_str()) != 0 || rename(partial.c_str(), target.c_str()) != 0) {
    last_error_ = "cannot link " + live + " to " + target + ": " + errno_text();
    unlink(partial.c_str());
    close(fresh);
    unlink(next.c_str());
    return false;
  }
  if (rename(next.c_str(), live.c_str()) != 0) {
    last_error_ = "cannot replace " + live + ": " + errno_text();
    unlink(target.c_str());  // the group stays live, and goes with the next backup
    close(fresh);
    unlink(next.c_str());
    return false;
  }
  close(fd_);
  fd_ = fresh;
  size_bytes_ = 0;
  return true;
}

}  // namespace postable
