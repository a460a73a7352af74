#include "core/recovery.hpp"

#include <algorithm>

#include "core/decimal.hpp"
#include "core/record.hpp"

namespace postable {
namespace {

// Where the zeros at the end of `bytes` begin (its size when it does not end in a zero): a
// machine crash may leave an append's size on disk without its data, which reads as zeros.
// A whole record never ends in one (it ends in an empty line).
std::size_t zero_tail_start(std::string_view bytes) {
  const std::size_t last = bytes.find_last_not_of('\0');
  return last == std::string_view::npos ? 0 : last + 1;
}

// The lines from `from` on that may begin a record a crash cut short: each that begins as a
// record's first line does (a body line never does: it is quoted), and the last line if it is
// cut inside that beginning (it may also be a body line cut short).
std::vector<std::size_t> record_line_starts(std::string_view text, std::size_t from) {
  std::vector<std::size_t> starts;
  for (std::size_t at = from; at < text.size();) {
    const std::string_view rest = text.substr(at);
    const std::size_t newline = rest.find('\n');
    if (begins_record_line(rest) ||
        (newline == std::string_view::npos && may_be_cut_record_line(rest))) {
      starts.push_back(at);
    }
    if (newline == std::string_view::npos) break;
    at += newline + 1;
  }
  return starts;
}

// The whole records before the one a crash cut short: the last start from `whole_bytes` on
// before which all is whole records and from which the rest could be a record cut short.
// Only then are the bytes after those records a torn append; else, where they stop making
// sense: they are not ours.
std::variant<ParsedRecords, std::size_t> records_before_a_torn_one(std::string_view text,
                                                                   std::size_t whole_bytes) {
  const std::vector<std::size_t> starts = record_line_starts(text, whole_bytes);
  if (starts.empty()) return whole_bytes;  // no line can begin a record: not ours
  std::optional<std::size_t> unreadable;
  for (auto start = starts.rbegin(); start != starts.rend(); ++start) {
    ParsedRecords before = parse_records(text.substr(0, *start));
    if (!before.problem.empty()) continue;
    if (could_begin_record(text.substr(*start))) return before;
    if (!unreadable) unreadable = *start;
  }
  return unreadable.value_or(whole_bytes);
}

std::string range_text(std::uint64_t first, std::uint64_t last) {
  return first > last ? "no messages" : std::to_string(first) + "-" + std::to_string(last);
}

RecoveryError error_at(const FoundFile& file, std::uint64_t offset, std::string reason) {
  return {file.name, offset, std::move(reason)};
}

// A backup must be whole records (it was synced before its name), exactly its range.
std::optional<RecoveryError> check_backup(const FoundFile& file, const BackupRange& range) {
  if (file.damage) return error_at(file, file.damage->offset, file.damage->reason);
  if (file.whole_bytes < file.size) {
    return error_at(file, file.whole_bytes, "a backup ends in " + file.tail);
  }
  if (file.first != range.first || file.last != range.last) {
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

// The live file: whole records from backed_up + 1 on, then at most a torn tail, cut off.
std::optional<RecoveryError> plan_live(const FoundFile& live, RecoveryPlan& plan) {
  if (live.first <= live.last && live.first != plan.backed_up + 1) {
    return error_at(live, 0,
                    "message " + std::to_string(live.first) + " where " +
                        std::to_string(plan.backed_up + 1) + " was expected (backups run through " +
                        std::to_string(plan.backed_up) + ")");
  }
  if (live.damage) return error_at(live, live.damage->offset, live.damage->reason);
  if (live.first <= live.last) plan.stored = live.last;
  plan.live_bytes = live.whole_bytes;
  if (live.whole_bytes < live.size) {
    plan.cut_live = live.whole_bytes;
    plan.notes.push_back("cut " + std::to_string(live.size - live.whole_bytes) + " bytes (" +
                         live.tail + ") off mailbox at byte " + std::to_string(live.whole_bytes) +
                         ", the end of its last whole record");
  }
  return std::nullopt;
}

// Body lines never begin with `Received: ` (they are quoted): every line within the whole
// records that does must be the start of one of them, or the file is damaged.
std::optional<std::uint64_t> misplaced_record_line(std::string_view text,
                                                   const ParsedRecords& parsed) {
  std::size_t next_start = 0;
  for (std::size_t at = 0; at < parsed.whole_bytes;) {
    while (next_start < parsed.starts.size() && parsed.starts[next_start] < at) ++next_start;
    const bool record_start = next_start < parsed.starts.size() && parsed.starts[next_start] == at;
    if (!record_start && begins_record_line(text.substr(at))) return at;
    const std::size_t newline = text.find('\n', at);
    if (newline == std::string_view::npos) break;
    at = newline + 1;
  }
  return std::nullopt;
}

// The first record numbered other than one more than the one before it.
std::optional<Damage> numbers_out_of_order(const ParsedRecords& parsed) {
  for (std::size_t i = 1; i < parsed.records.size(); ++i) {
    const std::uint64_t expected = parsed.records[i - 1].number + 1;
    if (parsed.records[i].number != expected) {
      return Damage{parsed.starts[i], "message " + std::to_string(parsed.records[i].number) +
                                          " where " + std::to_string(expected) + " was expected"};
    }
  }
  return std::nullopt;
}

// Why the bytes from `at` on are neither records nor a torn tail.
std::string not_ours(std::uint64_t at, std::uint64_t size) {
  return at == 0 && size > 0 ? "not a mailbox file of this server (no record starts here)"
                             : "neither a record nor what a crash leaves of one";
}
}  // namespace

FoundFile examine_mailbox_file(std::string name, std::uint64_t inode, std::string_view bytes) {
  const std::string_view text = bytes.substr(0, zero_tail_start(bytes));
  ParsedRecords parsed = parse_records(text);
  bool cut_short = false;
  std::size_t unreadable_at = parsed.whole_bytes;
  if (!parsed.problem.empty()) {
    auto reading = records_before_a_torn_one(text, parsed.whole_bytes);
    if (auto* before = std::get_if<ParsedRecords>(&reading)) {
      parsed = std::move(*before);
      cut_short = true;
    } else {
      unreadable_at = std::get<std::size_t>(reading);
    }
  }
  FoundFile found;
  found.name = std::move(name);
  found.inode = inode;
  found.size = bytes.size();
  found.whole_bytes = parsed.whole_bytes;
  found.first = parsed.records.empty() ? 1 : parsed.records.front().number;  // none: first > last
  found.last = parsed.records.empty() ? 0 : parsed.records.back().number;
  if (!parsed.problem.empty()) {
    found.damage = Damage{unreadable_at, not_ours(unreadable_at, bytes.size())};
  } else if (const auto misplaced = misplaced_record_line(text, parsed)) {
    found.damage = Damage{*misplaced, "a record starts inside another"};
  } else if (auto out_of_order = numbers_out_of_order(parsed)) {
    found.damage = std::move(out_of_order);
  } else if (found.whole_bytes < found.size) {
    const bool zeros = text.size() < bytes.size();
    found.tail = cut_short && zeros ? "a record cut short, then zeros"
                 : cut_short        ? "a record cut short"
                                    : "zeros";
  }
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
