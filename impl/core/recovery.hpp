// Recovery's reasoning, pure (protocol.md, "Durability and recovery"): what the mailbox
// files mean after a crash of the process or the machine, and what to do about them. The
// file store reads the folder and carries the plan out; the crash tests feed this every
// state the crash model of the file system says a crash may leave.
//
// The backup moves a group in four steps (server/file_store.cpp), and a crash may stop it
// after any of them; each leaves names recovery knows:
//   create mailbox.next (empty)          -> mailbox.next is a leftover: removed (records
//                                           appended to it were never synced, as a sync
//                                           first makes the folder's renames durable)
//   link mailbox to mailbox.A-B.partial  -> the partial is a second name of mailbox: removed
//   rename the partial to mailbox.A-B    -> mailbox and mailbox.A-B are one file: the group
//                                           stays in the backup, mailbox becomes a new file
//   rename mailbox.next to mailbox       -> the backup is done
// Records are appended whole and synced before a 250; a crash may keep any part of what was
// not yet synced, so the live file may end in a torn tail: it is cut off at the end of the
// last whole record. Bytes no crash of ours can leave (text before the first record, a
// file that is not records at all) are refused, never cut.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/folder_layout.hpp"
#include "core/mailbox_ledger.hpp"

namespace postable {

// Where a file stops making sense, and why: bytes no crash of ours can leave.
struct Damage {
  std::uint64_t offset = 0;
  std::string reason;
};

// One file of ours as recovery needs it: its name, its identity (two names of one file have
// the same inode) and what its bytes read as: whole records, then perhaps what a crash leaves
// of appends that were not yet durable (a torn tail), or else damage.
struct FoundFile {
  std::string name;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::uint64_t first = 0, last = 0;  // the numbers of its whole records (none: first > last)
  std::uint64_t whole_bytes = 0;      // how much of it those records are
  std::string tail;                   // what lies past them, when a torn tail does
  std::optional<Damage> damage;       // set unless it is whole records, then at most a tail
};
FoundFile examine_mailbox_file(std::string name, std::uint64_t inode, std::string_view bytes);

struct RecoveryPlan {
  std::vector<std::string> remove;        // temporary names left by an interrupted backup
  bool fresh_live = false;                // `mailbox` becomes a new empty file
  std::optional<std::uint64_t> cut_live;  // `mailbox` cut back to this many bytes
  std::uint64_t live_bytes = 0;           // its size once the plan is carried out
  std::uint64_t stored = 0;               // the last number stored: the next message is one more
  std::uint64_t backed_up = 0;            // the last number in a backup file
  std::vector<std::string> notes;         // one line for the log per thing found and done
};

struct RecoveryError {
  std::string file;
  std::uint64_t offset = 0;
  std::string reason;
  std::string line() const;  // "{file} at byte {offset}: {reason}"
};

using Recovery = std::variant<RecoveryPlan, RecoveryError>;

// `files`: every file whose name read_mailbox_name() does not call `other`.
Recovery plan_recovery(const std::vector<FoundFile>& files);

}  // namespace postable
