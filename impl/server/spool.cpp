#include "server/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

namespace postable {
namespace {

// A file with no name in `dir_fd`: O_TMPFILE, or a fresh name removed at once (a crash in
// between leaves a `.spool.*` file, which recovery does not read: not a mailbox name).
int open_nameless(int dir_fd) {
  const int fd = ::openat(dir_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
  static std::atomic<std::uint64_t> next = 0;  // O_EXCL makes a name taken by others no harm
  for (int attempt = 0; attempt < 64; ++attempt) {
    const std::string name = ".spool." + std::to_string(::getpid()) + "." +
                             std::to_string(next.fetch_add(1, std::memory_order_relaxed));
    const int named =
        ::openat(dir_fd, name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (named < 0 && errno == EEXIST) continue;
    if (named >= 0 && ::unlinkat(dir_fd, name.c_str(), 0) != 0) {
      ::close(named);
      return -1;
    }
    return named;
  }
  errno = EEXIST;
  return -1;
}

constexpr std::size_t slice_bytes = 64 * 1024;

}  // namespace

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

void Spool::fail(const char* what) {
  fail_because(std::string(what) + ": " + strerror(errno));
}

void Spool::fail_because(std::string why) {
  if (!failed_) last_error_ = std::move(why);
  failed_ = true;
}

// The space an earlier long message took is given back once, as the next one starts.
void Spool::restart() {
  quoter_ = BodyQuoter();
  body_bytes_ = stored_bytes_ = 0;
  failed_ = false;
  if (fd_ < 0 && (fd_ = open_nameless(dir_fd_)) < 0) {
    fail("cannot open a spool");
    return;
  }
  if (file_bytes_ > 0 && ::ftruncate(fd_, 0) != 0) {
    fail("cannot empty the spool");
    return;
  }
  file_bytes_ = 0;
}

void Spool::write(std::string_view piece, std::uint64_t offset) {
  if (offset == 0) restart();
  if (failed_) return;
  if (offset != body_bytes_) {
    fail_because("a piece of the body went missing");
    return;
  }
  body_bytes_ += piece.size();
  // A slice at a time: the quoted copy on its way out stays small, however long the piece.
  for (std::size_t at = 0; at < piece.size() && !failed_; at += slice_bytes) {
    scratch_.clear();
    quoter_.feed(piece.substr(at, slice_bytes), scratch_);
    write_scratch();
  }
  file_bytes_ = std::max(file_bytes_, stored_bytes_);
}

void Spool::write_scratch() {
  std::string_view out = scratch_;
  while (!out.empty()) {
    const ssize_t n = ::pwrite(fd_, out.data(), out.size(), off_t(stored_bytes_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fail("cannot write the spool");
      return;
    }
    out.remove_prefix(std::size_t(n));
    stored_bytes_ += std::uint64_t(n);
  }
}

std::optional<StoredBody> Spool::stored_body(const Envelope& envelope) {
  switch (body_front(envelope, body_bytes_)) {
    case BodyFront::in_memory:
      return StoredBody{{}, postable::stored_body(envelope.body, scratch_)};
    case BodyFront::missing:
      fail_because("a piece of the body went missing");
      return std::nullopt;
    case BodyFront::in_spool:
      break;
  }
  write(envelope.body, body_bytes_);  // the rest too: a copy in memory would be as long
  if (failed_) return std::nullopt;
  scratch_.clear();
  quoter_.finish(scratch_);  // the few bytes of a line's start still held back, if any
  return StoredBody{{fd_, stored_bytes_}, scratch_};
}

}  // namespace postable
