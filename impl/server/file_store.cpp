#include "file_store.hpp"

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

// Copies `bytes` bytes from the start of `from` into `to`, whole or not at all.
bool copy_all(int from, int to, std::uint64_t bytes) {
  std::array<char, 64 * 1024> buffer;
  std::uint64_t done = 0;
  while (done < bytes) {
    const ssize_t got = pread(from, buffer.data(), buffer.size(), off_t(done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    for (ssize_t written = 0; written < got;) {
      const ssize_t n = write(to, buffer.data() + written, std::size_t(got - written));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      written += n;
    }
    done += std::uint64_t(got);
  }
  return true;
}

}  // namespace

FileStore::FileStore(std::filesystem::path dir) : dir_(std::move(dir)) {
  const std::string path = (dir_ / "mailbox").string();
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
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

bool FileStore::move_to_backup(const BackupRange& range) {
  const std::string live = (dir_ / "mailbox").string();
  const std::string target = (dir_ / range.file_name()).string();
  const std::string partial = target + ".partial";
  const int from = open(live.c_str(), O_RDONLY | O_CLOEXEC);
  const int to = open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = from >= 0 && to >= 0 && copy_all(from, to, size_bytes_);
  if (!ok) last_error_ = "cannot copy " + live + " to " + partial + ": " + errno_text();
  if (from >= 0) close(from);
  if (to >= 0 && close(to) != 0) ok = false;
  // The backup appears whole or not at all; an older file of the same range is replaced.
  if (ok && rename(partial.c_str(), target.c_str()) != 0) {
    last_error_ = "cannot rename " + partial + ": " + errno_text();
    ok = false;
  }
  if (!ok) {
    unlink(partial.c_str());
    return false;
  }
  if (ftruncate(fd_, 0) != 0) {
    last_error_ = "cannot empty " + live + ": " + errno_text();
    return false;
  }
  size_bytes_ = 0;
  return true;
}

}  // namespace postable
