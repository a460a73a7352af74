#include "server/file_copy.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace postable {
namespace {

constexpr std::size_t buffer_bytes = 64 * 1024;

// Errors that mean "not here", not "failed": the copy goes on through a buffer.
bool kernel_says_no(int error) {
  return error == EXDEV || error == EINVAL || error == ENOSYS || error == EOPNOTSUPP;
}

// Writes all of `bytes` at `to`'s file position; 0 or errno.
int write_all(int to, const char* bytes, std::size_t count) {
  while (count > 0) {
    const ssize_t n = ::write(to, bytes, count);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    bytes += n;
    count -= std::size_t(n);
  }
  return 0;
}

}  // namespace

int copy_through_buffer(int to, int from, std::uint64_t from_offset, std::uint64_t bytes) {
  std::vector<char> buffer(std::size_t(std::min<std::uint64_t>(bytes, buffer_bytes)));
  while (bytes > 0) {
    const std::size_t want = std::size_t(std::min<std::uint64_t>(bytes, buffer.size()));
    const ssize_t got = ::pread(from, buffer.data(), want, off_t(from_offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno;
    if (got == 0) return ENODATA;  // the source is shorter than it should be
    if (const int error = write_all(to, buffer.data(), std::size_t(got)); error != 0) return error;
    from_offset += std::uint64_t(got);
    bytes -= std::uint64_t(got);
  }
  return 0;
}

int append_copied(int to, int from, std::uint64_t bytes, CopyCounts& counts) {
  loff_t from_offset = 0;
  while (bytes > 0) {
    const ssize_t n = ::copy_file_range(from, &from_offset, to, nullptr, std::size_t(bytes), 0);
    if (n > 0) {
      counts.in_kernel += std::uint64_t(n);
      bytes -= std::uint64_t(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return ENODATA;  // the source is shorter than it should be
    if (!kernel_says_no(errno)) return errno;
    const int error = copy_through_buffer(to, from, std::uint64_t(from_offset), bytes);
    if (error == 0) counts.through_buffer += bytes;
    return error;
  }
  return 0;
}

}  // namespace postable
