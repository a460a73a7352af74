// Group commit's bookkeeping as a pure state machine, driven by the mailbox monitor: which
// records are durable, whether a sync runs and what it covers, and what a failed sync loses.
//
// Records are appended in number order under the mailbox lock:
//   appended(number, end_bytes) -> a ticket the delivery keeps
// One sync at a time covers every record appended before it began:
//   sync_wanted() -> begin_sync() -> [fdatasync, outside the lock] -> sync_succeeded()
//                                                                   or sync_failed()
// A delivery replies once fate(ticket) is durable (250) or lost (451), never before.
// A failed sync may have lost every record not yet durable (the kernel can drop the dirty
// pages it could not write), those appended while it ran included: they are cut off the file
// and their numbers are given out again. Tickets carry the epoch they were appended in, so a
// record lost in one epoch is never taken for a later record with the same number.
#pragma once

#include <cstdint>
#include <vector>

namespace postable {

struct SyncTicket {
  std::uint64_t number = 0;
  std::uint64_t epoch = 0;  // how many syncs had failed when the record was appended
};

enum class Fate { pending, durable, lost };

// What a failed sync lost: numbers first..last (none when first > last), and where to cut
// the file back to.
struct SyncLoss {
  std::uint64_t first = 0, last = 0;
  std::uint64_t cut_to_bytes = 0;
};

class SyncLedger {
 public:
  // A store that starts with `durable_through` records, `durable_bytes` long, all durable.
  explicit SyncLedger(std::uint64_t durable_through = 0, std::uint64_t durable_bytes = 0);

  // The record `number` (the one after appended_through()) now ends the file at `end_bytes`.
  SyncTicket appended(std::uint64_t number, std::uint64_t end_bytes);
  // A sync should start: none runs and some record is not yet durable.
  bool sync_wanted() const { return !syncing_ && appended_through_ > synced_through_; }
  // A sync starts; it covers every record appended so far (perhaps none: a sync of the
  // folder alone takes a sync's turn too). Returns the number it syncs through.
  std::uint64_t begin_sync();
  void sync_succeeded();
  SyncLoss sync_failed();

  // The live file was replaced by a new empty one (a backup moved every record, all durable).
  void file_replaced();

  Fate fate(const SyncTicket& ticket) const;
  std::uint64_t appended_through() const { return appended_through_; }
  std::uint64_t synced_through() const { return synced_through_; }
  bool syncing() const { return syncing_; }

 private:
  std::uint64_t appended_through_, appended_bytes_;
  std::uint64_t synced_through_, synced_bytes_;
  std::uint64_t syncing_through_ = 0, syncing_bytes_ = 0;
  bool syncing_ = false;
  // The durable frontier when each failed epoch ended: a record of epoch e is durable if its
  // number is at most failed_frontiers_[e], else it was lost.
  std::vector<std::uint64_t> failed_frontiers_;
};

}  // namespace postable
