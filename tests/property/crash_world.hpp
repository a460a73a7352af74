// The durability proof's world: writers deliver through the real Mailbox monitor and the
// real file store, over the crash model of the file system (support/crash_folder.hpp), in an
// interleaving the controlled scheduler picks. After every step that touches the disk, every
// state a crash may leave is recovered by the real recovery (FileStore::resume) and judged:
// every message whose 250 was sent is there exactly once with its exact record, numbers run
// from 1 without a gap, each backup holds exactly its range, no torn record and no temporary
// name is left, and the next number is one more than the last. The same state started the
// assignment's way (no --resume) must leave every backup file as it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace postable::testing {

struct CrashWorld {
  std::vector<int> messages_per_writer;
  std::uint64_t backup_every = 2;
  std::vector<std::size_t> choices;  // the interleaving (property/scheduler.hpp)
  std::size_t spurious = 0;
  std::set<std::size_t> failing_syncs;         // the data syncs that fail (counted from 0)
  std::set<std::size_t> failing_folder_syncs;  // the folder syncs that fail (0: the start's)
  // Judge only this crash point, and of its states the one at this index (modulo their
  // count); every point and every state when not given.
  std::optional<std::pair<std::size_t, std::size_t>> only;
};

struct CrashVerdict {
  std::string wrong;  // the first crash state judged wrong, and why; empty when none
  std::size_t crash_points = 0;
  std::size_t crash_states = 0;
  std::size_t acknowledged = 0;
};

CrashVerdict check_every_crash(const CrashWorld& world);

}  // namespace postable::testing
