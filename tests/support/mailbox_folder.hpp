// A mailbox folder as the tests read it back: its files and their records, the rules the
// files must keep after a run, and a temporary folder to run in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace postable::testing {

// A file's bytes ("" when it cannot be read).
std::string read_whole_file(const std::filesystem::path& path);

// One record as read back from a mailbox file.
struct StoredRecord {
  std::uint64_t number = 0;
  std::string body;  // its single line, without the newline
};

// Every file of a mailbox folder by name, each with its records in file order. Bodies are
// the single lines the properties deliver.
std::map<std::string, std::vector<StoredRecord>> read_mailbox_folder(
    const std::filesystem::path& dir);

// What is wrong with a mailbox folder after `total` deliveries with backups every
// `backup_every`, by the layout's rule (core/folder_layout.hpp, folder_problems): each
// problem followed by "; ". Empty when all is well.
std::string check_mailbox_folder(const std::map<std::string, std::vector<StoredRecord>>& files,
                                 std::uint64_t total, std::uint64_t backup_every);

// A fresh empty folder, removed with the object.
class TemporaryFolder {
 public:
  TemporaryFolder();
  ~TemporaryFolder();
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace postable::testing
