#include "server/posix_folder.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "server/file_copy.hpp"

namespace postable {

PosixFolder::PosixFolder(std::filesystem::path dir) : dir_(std::move(dir)) {
  dir_fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0) {
    throw std::runtime_error("cannot open folder " + dir_.string() + ": " + std::strerror(errno));
  }
}

PosixFolder::~PosixFolder() {
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

bool PosixFolder::failed(const std::string& what) {
  last_error_ = what + ": " + std::strerror(errno);
  return false;
}

Folder::Handle PosixFolder::create(const std::string& name) {
  const int fd =
      ::openat(dir_fd_, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) failed("cannot create " + at(name));
  return fd < 0 ? no_file : fd;
}

// Not O_APPEND: copy_file_range() refuses such a file. The store is the file's one writer, so
// its file position, set to the end here and after a cut, is where the next append goes.
Folder::Handle PosixFolder::open_existing(const std::string& name) {
  const int fd = ::openat(dir_fd_, name.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || ::lseek(fd, 0, SEEK_END) < 0) {
    failed("cannot open " + at(name));
    if (fd >= 0) ::close(fd);
    return no_file;
  }
  return fd;
}

bool PosixFolder::append(Handle file, std::span<const std::string_view> parts) {
  std::array<iovec, parts_max> left{};
  std::size_t count = 0;
  for (std::string_view part : parts) {
    if (!part.empty()) left.at(count++) = {const_cast<char*>(part.data()), part.size()};
  }
  std::size_t first = 0;
  while (first < count) {
    const ssize_t n = ::writev(file, left.data() + first, int(count - first));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failed("cannot write");
    if (n == 0) {
      last_error_ = "cannot write: short write";
      return false;
    }
    for (std::size_t done = std::size_t(n); done > 0 && first < count;) {
      const std::size_t take = std::min(done, left[first].iov_len);
      left[first].iov_base = static_cast<char*>(left[first].iov_base) + take;
      left[first].iov_len -= take;
      done -= take;
      if (left[first].iov_len == 0) ++first;
    }
  }
  return true;
}

bool PosixFolder::append_copy(Handle file, OutsideBytes from) {
  if (const int error = append_copied(file, from.fd, from.bytes, copies_); error != 0) {
    errno = error;
    return failed("cannot copy the spool in");
  }
  return true;
}

bool PosixFolder::truncate(Handle file, std::uint64_t size) {
  return (::ftruncate(file, off_t(size)) == 0 && ::lseek(file, off_t(size), SEEK_SET) >= 0) ||
         failed("cannot cut");
}

int PosixFolder::sync_data(Handle file) {
  return ::fdatasync(file) == 0 ? 0 : errno;
}

void PosixFolder::close(Handle file) {
  ::close(file);
}

bool PosixFolder::link(const std::string& from, const std::string& to) {
  return ::linkat(dir_fd_, from.c_str(), dir_fd_, to.c_str(), 0) == 0 ||
         failed("cannot link " + at(from) + " to " + at(to));
}

bool PosixFolder::rename(const std::string& from, const std::string& to) {
  return ::renameat(dir_fd_, from.c_str(), dir_fd_, to.c_str()) == 0 ||
         failed("cannot rename " + at(from) + " to " + at(to));
}

bool PosixFolder::remove(const std::string& name) {
  return ::unlinkat(dir_fd_, name.c_str(), 0) == 0 || errno == ENOENT ||
         failed("cannot remove " + at(name));
}

int PosixFolder::sync_folder() {
  return ::fsync(dir_fd_) == 0 ? 0 : errno;
}

std::vector<std::string> PosixFolder::names() {
  std::vector<std::string> found;
  const int fd = ::dup(dir_fd_);
  DIR* dir = fd < 0 ? nullptr : ::fdopendir(fd);
  if (dir == nullptr) {
    if (fd >= 0) ::close(fd);
    failed("cannot list " + dir_.string());
    return found;
  }
  ::rewinddir(dir);
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") found.push_back(name);
  }
  ::closedir(dir);
  std::sort(found.begin(), found.end());
  return found;
}

// Non-blocking, so that a FIFO under a mailbox's name is refused instead of waited on.
std::optional<FileContent> PosixFolder::read(const std::string& name) {
  const int fd = ::openat(dir_fd_, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  struct stat facts {};
  if (fd < 0 && errno == ELOOP) {
    last_error_ = "cannot read " + at(name) + ": a symbolic link, which the server never follows";
    return std::nullopt;
  }
  if (fd < 0 || ::fstat(fd, &facts) != 0) {
    failed("cannot read " + at(name));
    if (fd >= 0) ::close(fd);
    return std::nullopt;
  }
  if (!S_ISREG(facts.st_mode)) {
    last_error_ = "cannot read " + at(name) + ": not a regular file";
    ::close(fd);
    return std::nullopt;
  }
  FileContent content{std::uint64_t(facts.st_ino), std::string(std::size_t(facts.st_size), '\0')};
  std::size_t got = 0;
  while (got < content.bytes.size()) {
    const ssize_t n =
        ::pread(fd, content.bytes.data() + got, content.bytes.size() - got, off_t(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += std::size_t(n);
  }
  ::close(fd);
  content.bytes.resize(got);
  return content;
}

}  // namespace postable
