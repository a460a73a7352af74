#include "mailbox_folder.hpp"

#include <stdlib.h>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace postable::testing {

std::map<std::string, std::vector<StoredRecord>> read_mailbox_folder(
    const std::filesystem::path& dir) {
  std::map<std::string, std::vector<StoredRecord>> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::vector<StoredRecord>& records = files[entry.path().filename().string()];
    std::ifstream in(entry.path());
    bool body_next = false;
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("Received: from ")) records.emplace_back();
      if (records.empty()) continue;
      if (line.starts_with("Number: ")) records.back().number = std::stoull(line.substr(8));
      if (body_next) {
        records.back().body = line;
        body_next = false;
      } else if (line.empty() && records.back().body.empty()) {
        body_next = true;  // the head ends: the body's line comes next
      }
    }
  }
  return files;
}

std::string check_mailbox_folder(const std::map<std::string, std::vector<StoredRecord>>& files,
                                 std::uint64_t total, std::uint64_t backup_every) {
  std::ostringstream wrong;
  const std::uint64_t groups = total / backup_every;
  std::set<std::string> expected_names{"mailbox"};
  for (std::uint64_t g = 0; g < groups; ++g) {
    expected_names.insert("mailbox." + std::to_string(g * backup_every + 1) + "-" +
                          std::to_string((g + 1) * backup_every));
  }
  for (const auto& [name, records] : files) {
    if (!expected_names.contains(name)) wrong << "an unexpected file " << name << "; ";
  }
  for (const std::string& name : expected_names) {
    const auto found = files.find(name);
    if (found == files.end()) {
      wrong << name << " is missing; ";
      continue;
    }
    std::uint64_t first = groups * backup_every + 1, last = total;  // the live file's
    if (name != "mailbox") {
      const std::size_t dash = name.find('-');
      first = std::stoull(name.substr(8, dash - 8));
      last = std::stoull(name.substr(dash + 1));
    }
    std::string numbers;
    for (const StoredRecord& record : found->second) numbers += std::to_string(record.number) + " ";
    std::string wanted;
    for (std::uint64_t n = first; n <= last; ++n) wanted += std::to_string(n) + " ";
    if (numbers != wanted) wrong << name << " holds [" << numbers << "], not [" << wanted << "]; ";
  }
  return wrong.str();
}

TemporaryFolder::TemporaryFolder() {
  std::string pattern = (std::filesystem::temp_directory_path() / "postable-prop-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TemporaryFolder::~TemporaryFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace postable::testing
