#include "multiclient/verify.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/folder_layout.hpp"
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
  // Every file of the mailbox's layout, read once; the rest of the folder is not ours.
  std::map<std::string, FileRecords> files;
  std::map<std::string, std::vector<std::uint64_t>> numbers;
  std::map<std::uint64_t, std::string> backup_ending_at;  // each backup by its last number
  std::error_code error;
  std::filesystem::directory_iterator listing(dir, error);
  if (error) return {"cannot read the folder " + dir + ": " + error.message()};
  for (const auto& entry : listing) {
    const std::string name = entry.path().filename().string();
    const NameReading reading = read_mailbox_name(name);
    if (reading.kind == MailboxName::other) continue;
    if (reading.kind == MailboxName::backup) backup_ending_at[reading.range.last] = name;
    FileRecords& file = files.emplace(name, read_records(entry.path())).first->second;
    if (!file.parsed.problem.empty()) problems.push_back(name + ": " + file.parsed.problem);
    numbers[name] = numbers_in(file.parsed);
  }
  // This client was the server's only one: the numbers it was given are 1..N, and the folder
  // holds them as the layout says.
  if (delivered.size() != highest) {
    problems.push_back("the numbers given are not 1.." + std::to_string(highest) +
                       " without a gap");
  }
  for (std::string& problem : folder_problems(numbers, highest, backup_every)) {
    problems.push_back(std::move(problem));
  }
  for (const auto& [number, envelope] : delivered) {
    const auto backup = backup_ending_at.lower_bound(number);
    const std::string name =
        backup == backup_ending_at.end() ? std::string(live_file_name) : backup->second;
    const auto file = files.find(name);
    if (file == files.end() || !holds(file->second, number, envelope, server_name)) {
      problems.push_back("message " + std::to_string(number) + " is not in " + name +
                         " as it was sent");
    }
  }
  return problems;
}

}  // namespace postable::multiclient
