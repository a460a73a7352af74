#include "support/mailbox_folder.hpp"

#include "core/folder_layout.hpp"
#include "core/mailbox_ledger.hpp"
#include "core/record.hpp"

#include <stdlib.h>

#include <fstream>
#include <ios>
#include <set>
#include <sstream>
#include <stdexcept>

namespace postable::testing {

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::map<std::string, std::vector<StoredRecord>> read_mailbox_folder(
    const std::filesystem::path& dir) {
  std::map<std::string, std::vector<StoredRecord>> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::vector<StoredRecord>& records = files[entry.path().filename().string()];
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const ParsedRecords parsed = parse_records(text.str());
    for (const ParsedRecord& record : parsed.records) {
      std::string body = record.envelope.body;
      if (body.ends_with('\n')) body.pop_back();
      records.push_back({record.number, body});
    }
    // A file that is not all records: number 0 is no message's, so the folder rule names it.
    if (!parsed.problem.empty()) records.push_back({0, parsed.problem});
  }
  return files;
}

std::string check_mailbox_folder(const std::map<std::string, std::vector<StoredRecord>>& files,
                                 std::uint64_t total, std::uint64_t backup_every) {
  std::map<std::string, std::vector<std::uint64_t>> numbers;
  for (const auto& [name, records] : files) {
    auto& found = numbers[name];
    for (const StoredRecord& record : records) found.push_back(record.number);
  }
  std::string wrong;
  for (const std::string& problem : folder_problems(numbers, total, backup_every)) {
    wrong += problem + "; ";
  }
  return wrong;
}

TemporaryFolder::TemporaryFolder() {
  std::string pattern = (std::filesystem::temp_directory_path() / "postable-prop-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TemporaryFolder::~TemporaryFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
  // The traces of the servers run in it, kept beside it (integration/server_process.hpp).
  std::filesystem::remove_all(path_.string() + ".traces", ignored);
}

}  // namespace postable::testing
