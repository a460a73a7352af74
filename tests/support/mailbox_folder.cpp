#include "support/mailbox_folder.hpp"

#include "core/mailbox_ledger.hpp"
#include "core/record.hpp"

#include <stdlib.h>

#include <fstream>
#include <ios>
#include <set>
#include <sstream>
#include <stdexcept>

namespace postable::testing {

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
  std::ostringstream wrong;
  const std::uint64_t groups = total / backup_every;
  std::set<std::string> expected_names{"mailbox"};
  std::map<std::string, BackupRange> ranges;
  for (std::uint64_t g = 0; g < groups; ++g) {
    const BackupRange range{g * backup_every + 1, (g + 1) * backup_every};
    expected_names.insert(range.file_name());
    ranges.emplace(range.file_name(), range);
  }
  const auto group_of = [&ranges](const std::string& name) { return ranges.at(name); };
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
      const auto range = group_of(name);
      first = range.first;
      last = range.last;
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
