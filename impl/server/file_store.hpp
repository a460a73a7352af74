// The mailbox on disk: `mailbox` in the server's folder, created empty at start-up, and the
// backup files beside it. Appends are all or nothing: a failed write is cut back off the
// file, so no partial record is ever left. Not thread-safe: the Mailbox monitor serialises.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/mailbox_ledger.hpp"

namespace postable {

class FileStore {
 public:
  // Creates (or empties) `dir/mailbox`; throws std::runtime_error with a one-line reason.
  explicit FileStore(std::filesystem::path dir);
  ~FileStore();
  FileStore(const FileStore&) = delete;
  FileStore& operator=(const FileStore&) = delete;

  // Appends head, body and end as one record; false (and nothing written) on failure.
  bool append(std::string_view head, std::string_view body, std::string_view end);
  // Moves the live file's content to `dir/{range.file_name()}` and leaves the file empty.
  bool move_to_backup(const BackupRange& range);

  const std::string& last_error() const { return last_error_; }

 private:
  std::filesystem::path dir_;
  int fd_ = -1;
  std::uint64_t size_bytes_ = 0;
  std::string last_error_;
};

}  // namespace postable
