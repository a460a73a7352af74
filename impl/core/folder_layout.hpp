// The mailbox folder's layout, owned here and nowhere else: the live file's name, the names a
// backup's move uses on its way (core/recovery.hpp tells its steps), a backup's name for its
// range, how a name is read back, and the rule a folder at rest keeps (numbers 1..N once each,
// each backup exactly its range, the live file the rest). The file store, recovery, the
// stress client's --verify, the tests and the simulator all ask this file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/mailbox_ledger.hpp"

namespace postable {

inline constexpr std::string_view live_file_name = "mailbox";
// The new live file a move creates before it renames the old one away.
inline constexpr std::string_view next_file_name = "mailbox.next";
// "mailbox.{first}-{last}" (BackupRange::file_name()).
std::string backup_file_name(const BackupRange& range);
// The second name the live file gets on its way to its backup name: "mailbox.A-B.partial".
std::string partial_file_name(const BackupRange& range);

enum class MailboxName { live, next, partial, backup, other };

struct NameReading {
  MailboxName kind = MailboxName::other;
  BackupRange range;  // for a backup or a partial
};
NameReading read_mailbox_name(std::string_view name);

// What is wrong with a folder at rest that should hold messages 1..`total`, backed up every
// `backup_every`: `numbers` gives each file of it by name with its records' numbers in file
// order. Each problem is a sentence: an unexpected file, a leftover of a move, a backup that
// does not hold exactly its range or does not follow the one before, backups that are not
// whole groups, the live file missing or not holding the rest in order, a full group left in
// it. Empty when all is well.
std::vector<std::string> folder_problems(
    const std::map<std::string, std::vector<std::uint64_t>>& numbers, std::uint64_t total,
    std::uint64_t backup_every);

}  // namespace postable
