#include "multiclient/verify.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/mailbox_ledger.hpp"
#include "core/record.hpp"

namespace postable::multiclient {

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The numbers of the records in a file, in file order.
std::vector<std::uint64_t> numbers_in(const ParsedRecords& parsed) {
  std::vector<std::uint64_t> numbers;
  for (const ParsedRecord& record : parsed.records) numbers.push_back(record.number);
  return numbers;
}

// A file's records, found by number without a search through the file for each message.
struct FileRecords {
  ParsedRecords parsed;
  std::map<std::uint64_t, std::size_t> by_number;  // the first record with each number
};

FileRecords read_records(const std::filesystem::path& path) {
  FileRecords file{parse_records(slurp(path)), {}};
  for (std::size_t i = 0; i < file.parsed.records.size(); ++i) {
    file.by_number.emplace(file.parsed.records[i].number, i);
  }
  return file;
}

bool holds(const FileRecords& file, std::uint64_t number, const Envelope& envelope,
           const std::string& server_name) {
  const auto at = file.by_number.find(number);
  return at != file.by_number.end() &&
         file.parsed.records[at->second] == ParsedRecord{number, server_name, envelope};
}

}  // namespace

std::vector<std::string> verify_mailbox(const std::string& dir,
                                        const std::map<std::uint64_t, Envelope>& delivered,
                                        const std::string& server_name,
                                        std::uint64_t backup_every) {
  std::vector<std::string> problems;
  const std::uint64_t highest = delivered.empty() ? 0 : delivered.rbegin()->first;
  std::map<std::string, FileRecords> files;  // read once each
  const auto file_of = [&](std::uint64_t number) {
    const std::uint64_t group_end = (number + backup_every - 1) / backup_every * backup_every;
    const std::uint64_t stored_groups = highest / backup_every * backup_every;
    if (group_end <= stored_groups) {
      return BackupRange{group_end - backup_every + 1, group_end}.file_name();
    }
    return std::string("mailbox");
  };
  const auto content = [&](const std::string& name) -> const FileRecords& {
    auto it = files.find(name);
    if (it == files.end()) {
      it = files.emplace(name, read_records(std::filesystem::path(dir) / name)).first;
      const std::string& problem = it->second.parsed.problem;
      if (!problem.empty()) problems.push_back(name + ": " + problem);
    }
    return it->second;
  };
  for (const auto& [number, envelope] : delivered) {
    const std::string name = file_of(number);
    if (!holds(content(name), number, envelope, server_name)) {
      problems.push_back("message " + std::to_string(number) + " is not in " + name +
                         " as it was sent");
    }
  }
  // This client was the server's only one: the numbers it was given are 1..N.
  if (delivered.size() != highest) {
    problems.push_back("the numbers given are not 1.." + std::to_string(highest) +
                       " without a gap");
  }
  // Each file: its numbers consecutive, in order; a backup holds exactly its range.
  for (std::uint64_t first = 1; first + backup_every - 1 <= highest; first += backup_every) {
    const BackupRange range{first, first + backup_every - 1};
    const auto numbers = numbers_in(content(range.file_name()).parsed);
    std::vector<std::uint64_t> expected;
    for (std::uint64_t n = range.first; n <= range.last; ++n) expected.push_back(n);
    if (numbers != expected)
      problems.push_back(range.file_name() + " does not hold exactly its range");
  }
  const auto live = numbers_in(content("mailbox").parsed);
  for (std::size_t i = 1; i < live.size(); ++i) {
    if (live[i] != live[i - 1] + 1) problems.push_back("mailbox is out of order or has a gap");
  }
  if (!live.empty() && live.back() != highest) {
    problems.push_back("mailbox does not end with message " + std::to_string(highest));
  }
  return problems;
}

}  // namespace postable::multiclient
