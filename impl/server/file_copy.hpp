// Copies between open files without passing the bytes through this process where the kernel
// can (copy_file_range), and through a buffer where it says no (another file system on an old
// kernel, a file system without the call). Each returns 0 or the errno of the failure; on a
// failure a part of the bytes may have been written.
#pragma once

#include <cstdint>

namespace postable {

struct CopyCounts {
  std::uint64_t in_kernel = 0;       // bytes copy_file_range moved
  std::uint64_t through_buffer = 0;  // bytes read and written by us
};

// Appends `bytes` of `from`, from its offset 0, to `to` at `to`'s file position (which moves
// on past them); `from`'s position is not used. Adds what it copied to `counts`.
int append_copied(int to, int from, std::uint64_t bytes, CopyCounts& counts);

// The fallback alone: `bytes` of `from` from `from_offset` on, through a buffer.
int copy_through_buffer(int to, int from, std::uint64_t from_offset, std::uint64_t bytes);

}  // namespace postable
