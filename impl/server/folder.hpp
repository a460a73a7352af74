// The file operations the file store needs, on names in its one folder. The server's are
// POSIX calls (server/posix_folder.hpp); the crash tests put in their place a model that
// knows, after every operation, what a crash of the process or the machine may leave.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace postable {

// A file as recovery reads it: its identity (two names of one file share it) and its bytes.
struct FileContent {
  std::uint64_t inode = 0;
  std::string bytes;
};

// The first `bytes` of a file open outside the folder (a worker's spool, server/spool.hpp).
struct OutsideBytes {
  int fd = -1;
  std::uint64_t bytes = 0;
};

// A record's body as a store appends it, in its stored form (core/body_quoting.hpp): the
// front, if the body was too long to hold, in a spool; the rest in memory.
struct StoredBody {
  OutsideBytes front;
  std::string_view rest;
};

class Folder {
 public:
  using Handle = int;
  static constexpr Handle no_file = -1;
  static constexpr std::size_t parts_max = 4;

  virtual ~Folder() = default;

  // A new empty file opened for appending (appends go on at its end: the store is its one
  // writer); no_file if the name exists (a symlink included).
  virtual Handle create(const std::string& name) = 0;
  // An existing regular file opened for appending, never through a symlink.
  virtual Handle open_existing(const std::string& name) = 0;
  // Appends the parts (at most four) in order; false on failure, when a part of them may
  // have been written.
  virtual bool append(Handle file, std::span<const std::string_view> parts) = 0;
  // Appends `from`'s bytes, copied without passing through this process where the kernel can;
  // false on failure, when a part of them may have been written.
  virtual bool append_copy(Handle file, OutsideBytes from) = 0;
  // Cuts the file to `size` bytes; the next append goes on from there.
  virtual bool truncate(Handle file, std::uint64_t size) = 0;
  // The file's data (and the size that reaches it) on stable storage: fdatasync. Returns 0 or
  // the errno of the failure, and leaves last_error() alone: a sync runs beside appends.
  virtual int sync_data(Handle file) = 0;
  virtual void close(Handle file) = 0;

  virtual bool link(const std::string& from, const std::string& to) = 0;
  virtual bool rename(const std::string& from, const std::string& to) = 0;
  // Removes a name; true when it is gone (or was never there).
  virtual bool remove(const std::string& name) = 0;
  // The folder's names on stable storage: fsync of the folder. 0 or the errno, as sync_data.
  virtual int sync_folder() = 0;

  virtual std::vector<std::string> names() = 0;
  // The file at `name`, read whole; nullopt for a name that is not a regular file.
  virtual std::optional<FileContent> read(const std::string& name) = 0;

  // Why the last operation that failed did (errno's text, for the log).
  virtual std::string last_error() const = 0;
};

}  // namespace postable
