#include "core/recovery.hpp"

#include <algorithm>

#include "core/decimal.hpp"
#include "core/record.hpp"

namespace postable {
namespace {

constexpr std::string_view live_name = "mailbox";
constexpr std::string_view partial_suffix = ".partial";
// A record's first line begins so; a body line that does is stored quoted (body_quoting.hpp).
constexpr std::string_view record_line_start = "\nReceived: ";

// The start of the last line that begins as a record's first line does, or could if the
// text went on (a record torn inside its first line); 0 when none.
std::size_t last_record_start(std::string_view text) {
  const std::string_view head = record_line_start.substr(1);
  for (std::size_t end = text.size(); end > 0;) {
    const std::size_t newline = text.rfind('\n', end - 1);
    if (newline == std::string_view::npos) break;
    const std::string_view line = text.substr(newline + 1);
    if (line.substr(0, head.size()) == head.substr(0, std::min(line.size(), head.size())) &&
        newline + 1 < text.size()) {
      return newline + 1;
    }
    end = newline;
  }
  return 0;
}

// "A-B" with 1 <= A <= B, or nullopt.
std::optional<BackupRange> read_range(std::string_view text) {
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first = parse_decimal(text.substr(0, dash));
  const auto last = parse_decimal(text.substr(dash + 1));
  if (!first || !last || *first == 0 || *first > *last) return std::nullopt;
  return BackupRange{*first, *last};
}

std::string range_text(std::uint64_t first, std::uint64_t last) {
  return first > last ? "no messages" : std::to_string(first) + "-" + std::to_string(last);
}

RecoveryError error_at(const FoundFile& file, std::uint64_t offset, std::string reason) {
  return {file.name, offset, std::move(reason)};
}

// A backup must be whole records, exactly its range in order.
std::optional<RecoveryError> check_backup(const FoundFile& file, const BackupRange& range) {
  if (file.damage_at) return error_at(file, *file.damage_at, "a record starts inside another");
  if (!file.problem.empty()) return error_at(file, file.whole_bytes, file.problem);
  if (!file.numbers_in_order || file.first != range.first || file.last != range.last) {
    return error_at(file, 0,
                    "holds messages " + range_text(file.first, file.last) + ", not its range");
  }
  return std::nullopt;
}

struct Backup {
  const FoundFile* file;
  BackupRange range;
};

// The backups in number order must run from 1 without a gap or an overlap.
std::optional<RecoveryError> check_chain(std::vector<Backup>& backups) {
  std::sort(backups.begin(), backups.end(),
            [](const Backup& a, const Backup& b) { return a.range.first < b.range.first; });
  std::uint64_t expected = 1;
  for (const Backup& backup : backups) {
    if (backup.range.first != expected) {
      return error_at(*backup.file, 0,
                      "expected a backup starting at message " + std::to_string(expected));
    }
    if (auto wrong = check_backup(*backup.file, backup.range)) return wrong;
    expected = backup.range.last + 1;
  }
  return std::nullopt;
}

// The live file: whole records from backed_up + 1 on, then at most a torn record, cut off.
std::optional<RecoveryError> plan_live(const FoundFile& live, RecoveryPlan& plan) {
  if (!live.numbers_in_order || (live.first <= live.last && live.first != plan.backed_up + 1)) {
    return error_at(live, 0,
                    "holds messages " + range_text(live.first, live.last) +
                        " after backups through " + std::to_string(plan.backed_up));
  }
  if (live.damage_at) {
    return error_at(live, *live.damage_at,
                    live.problem.empty() ? "a record starts inside another" : live.problem);
  }
  if (live.first <= live.last) plan.stored = live.last;
  plan.live_bytes = live.whole_bytes;
  if (live.whole_bytes < live.size) {
    plan.cut_live = live.whole_bytes;
    plan.notes.push_back("cut " + std::to_string(live.size - live.whole_bytes) +
                         " bytes of a torn record off mailbox at byte " +
                         std::to_string(live.whole_bytes));
  }
  return std::nullopt;
}

// Body lines never begin with `Received: ` (they are quoted): every line that does begins a
// record. Where one stands that is not the start of a record read (the first after the
// `records` read within the first `whole` bytes, or any after them), the file is damaged.
std::optional<std::uint64_t> misplaced_record_line(std::string_view text, std::size_t whole,
                                                   std::size_t records) {
  const std::string_view head = record_line_start.substr(1);
  std::size_t seen = 0;
  for (std::size_t at = 0; at < text.size();) {
    if (text.substr(at).starts_with(head)) {
      const bool record_start = at < whole && (at == 0 || text.substr(at - 2, 2) == "\n\n");
      if (at > whole || (at < whole && (!record_start || ++seen > records))) return at;
    }
    const std::size_t newline = text.find('\n', at);
    if (newline == std::string_view::npos) break;
    at = newline + 1;
  }
  return std::nullopt;
}
}  // namespace

NameReading read_mailbox_name(std::string_view name) {
  if (name == live_name) return {MailboxName::live, {}};
  if (!name.starts_with("mailbox.")) return {};
  std::string_view rest = name.substr(live_name.size() + 1);
  if (rest == "next") return {MailboxName::next, {}};
  const bool partial = rest.ends_with(partial_suffix);
  if (partial) rest.remove_suffix(partial_suffix.size());
  const auto range = read_range(rest);
  if (!range) return {};
  return {partial ? MailboxName::partial : MailboxName::backup, *range};
}

FoundFile examine_mailbox_file(std::string name, std::uint64_t inode, std::string_view bytes) {
  ParsedRecords parsed = parse_records(bytes);
  if (!parsed.problem.empty()) {
    // A torn record can leave the one before it without the record start that ends it: read
    // again up to the last line that could be one (a body line never can: it is quoted).
    const std::size_t start = last_record_start(bytes);
    if (start > parsed.whole_bytes) {
      ParsedRecords before = parse_records(bytes.substr(0, start));
      if (before.problem.empty()) {
        parsed = std::move(before);
        parsed.problem = "a record cut short at byte " + std::to_string(start);
      }
    }
  }
  FoundFile found;
  found.name = std::move(name);
  found.inode = inode;
  found.size = bytes.size();
  found.whole_bytes = parsed.whole_bytes;
  found.problem = parsed.problem;
  if (!parsed.records.empty()) {
    found.first = parsed.records.front().number;
    found.last = parsed.records.back().number;
  } else {
    found.first = 1;  // no records: first > last
  }
  for (std::size_t i = 0; i < parsed.records.size(); ++i) {
    if (parsed.records[i].number != found.first + i) found.numbers_in_order = false;
  }
  found.damage_at = misplaced_record_line(bytes, parsed.whole_bytes, parsed.records.size());
  return found;
}

std::string RecoveryError::line() const {
  return file + " at byte " + std::to_string(offset) + ": " + reason;
}

Recovery plan_recovery(const std::vector<FoundFile>& files) {
  RecoveryPlan plan;
  const FoundFile* live = nullptr;
  std::vector<Backup> backups;
  for (const FoundFile& file : files) {
    const NameReading reading = read_mailbox_name(file.name);
    if (reading.kind == MailboxName::live) live = &file;
    if (reading.kind == MailboxName::backup) backups.push_back({&file, reading.range});
  }
  for (const FoundFile& file : files) {
    const NameReading reading = read_mailbox_name(file.name);
    if (reading.kind == MailboxName::partial && (live == nullptr || live->inode != file.inode)) {
      return error_at(file, 0, "a backup's temporary name is not a name of mailbox");
    }
    if (reading.kind == MailboxName::next || reading.kind == MailboxName::partial) {
      plan.remove.push_back(file.name);
      plan.notes.push_back("removed " + file.name + " (" + std::to_string(file.size) +
                           " bytes), left by an interrupted backup");
    }
  }
  if (auto wrong = check_chain(backups)) return *wrong;
  if (!backups.empty()) plan.backed_up = plan.stored = backups.back().range.last;
  const bool caught_mid_backup =
      live != nullptr && !backups.empty() && backups.back().file->inode == live->inode;
  for (const Backup& backup : backups) {
    if (live != nullptr && backup.file->inode == live->inode && &backup != &backups.back()) {
      return error_at(*live, 0, "is also " + backup.file->name + ", not the last backup");
    }
  }
  if (live == nullptr || caught_mid_backup) {
    plan.fresh_live = true;
    plan.notes.push_back(live == nullptr ? "mailbox was missing: a new one"
                                         : "mailbox was also " + backups.back().file->name +
                                               " (a backup a crash interrupted): a new mailbox");
    return plan;
  }
  if (auto wrong = plan_live(*live, plan)) return *wrong;
  return plan;
}

}  // namespace postable
