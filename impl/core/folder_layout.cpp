#include "core/folder_layout.hpp"

#include <optional>

#include "core/decimal.hpp"

namespace postable {

namespace {

constexpr std::string_view partial_suffix = ".partial";

// "A-B" with 1 <= A <= B, or nullopt.
std::optional<BackupRange> read_range(std::string_view text) {
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first = parse_decimal(text.substr(0, dash));
  const auto last = parse_decimal(text.substr(dash + 1));
  if (!first || !last || *first == 0 || *first > *last) return std::nullopt;
  return BackupRange{*first, *last};
}

std::string listed(const std::vector<std::uint64_t>& numbers) {
  std::string out;
  for (const std::uint64_t n : numbers) out += std::to_string(n) + " ";
  return out;
}

// "X holds [found], not [first..last]" when X does not hold exactly first..last in order.
void check_holds(std::vector<std::string>& problems, const std::string& name,
                 const std::vector<std::uint64_t>& found, std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> wanted;
  for (std::uint64_t n = first; n <= last; ++n) wanted.push_back(n);
  if (found != wanted) {
    problems.push_back(name + " holds [" + listed(found) + "], not [" + listed(wanted) + "]");
  }
}

}  // namespace

std::string backup_file_name(const BackupRange& range) {
  return std::string(live_file_name) + "." + std::to_string(range.first) + "-" +
         std::to_string(range.last);
}

std::string partial_file_name(const BackupRange& range) {
  return backup_file_name(range) + std::string(partial_suffix);
}

NameReading read_mailbox_name(std::string_view name) {
  if (name == live_file_name) return {MailboxName::live, {}};
  if (name == next_file_name) return {MailboxName::next, {}};
  if (!name.starts_with(live_file_name) || name.size() == live_file_name.size() ||
      name[live_file_name.size()] != '.') {
    return {};
  }
  std::string_view rest = name.substr(live_file_name.size() + 1);
  const bool partial = rest.ends_with(partial_suffix);
  if (partial) rest.remove_suffix(partial_suffix.size());
  const auto range = read_range(rest);
  if (!range) return {};
  return {partial ? MailboxName::partial : MailboxName::backup, *range};
}

std::vector<std::string> folder_problems(
    const std::map<std::string, std::vector<std::uint64_t>>& numbers, std::uint64_t total,
    std::uint64_t backup_every) {
  std::vector<std::string> problems;
  std::map<std::uint64_t, std::pair<std::string, BackupRange>> backups;  // by first number
  for (const auto& [name, found] : numbers) {
    const NameReading reading = read_mailbox_name(name);
    if (reading.kind == MailboxName::other) problems.push_back("an unexpected file " + name);
    if (reading.kind == MailboxName::next || reading.kind == MailboxName::partial) {
      problems.push_back(name + " was left by a move");
    }
    if (reading.kind == MailboxName::backup)
      backups.emplace(reading.range.first, std::pair(name, reading.range));
  }
  std::uint64_t backed_up = 0;
  for (const auto& [first, backup] : backups) {
    const auto& [name, range] = backup;
    if (range.first != backed_up + 1)
      problems.push_back(name + " does not follow the backup before it");
    if (range.last % backup_every != 0)
      problems.push_back(name + " is not a whole number of groups");
    check_holds(problems, name, numbers.at(name), range.first, range.last);
    backed_up = std::max(backed_up, range.last);
  }
  const auto live = numbers.find(std::string(live_file_name));
  if (live == numbers.end()) {
    problems.push_back("mailbox is missing");
  } else {
    check_holds(problems, "mailbox", live->second, backed_up + 1, total);
  }
  if (total >= backed_up + backup_every) problems.push_back("a full group was left in mailbox");
  return problems;
}

}  // namespace postable
