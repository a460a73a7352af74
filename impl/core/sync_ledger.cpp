#include "core/sync_ledger.hpp"

#include "core/assert.hpp"

namespace postable {

SyncLedger::SyncLedger(std::uint64_t durable_through, std::uint64_t durable_bytes)
    : appended_through_(durable_through),
      appended_bytes_(durable_bytes),
      synced_through_(durable_through),
      synced_bytes_(durable_bytes) {}

SyncTicket SyncLedger::appended(std::uint64_t number, std::uint64_t end_bytes) {
  POSTABLE_ASSERT(number == appended_through_ + 1);  // in number order, none skipped
  POSTABLE_ASSERT(end_bytes > appended_bytes_);      // a record is never empty
  appended_through_ = number;
  appended_bytes_ = end_bytes;
  return {number, failed_frontiers_.size()};
}

std::uint64_t SyncLedger::begin_sync() {
  POSTABLE_ASSERT(!syncing_);  // a sync that covers no record is the backup's names sync
  syncing_ = true;
  syncing_through_ = appended_through_;
  syncing_bytes_ = appended_bytes_;
  return syncing_through_;
}

void SyncLedger::sync_succeeded() {
  POSTABLE_ASSERT(syncing_);
  syncing_ = false;
  synced_through_ = syncing_through_;
  synced_bytes_ = syncing_bytes_;
}

SyncLoss SyncLedger::sync_failed() {
  POSTABLE_ASSERT(syncing_);
  syncing_ = false;
  const SyncLoss loss{synced_through_ + 1, appended_through_, synced_bytes_};
  failed_frontiers_.push_back(synced_through_);
  appended_through_ = synced_through_;
  appended_bytes_ = synced_bytes_;
  return loss;
}

void SyncLedger::file_replaced() {
  POSTABLE_ASSERT(!syncing_ && synced_through_ == appended_through_);
  appended_bytes_ = synced_bytes_ = 0;
}

Fate SyncLedger::fate(const SyncTicket& ticket) const {
  if (ticket.epoch < failed_frontiers_.size()) {  // its epoch ended in a failed sync
    return ticket.number <= failed_frontiers_[ticket.epoch] ? Fate::durable : Fate::lost;
  }
  return ticket.number <= synced_through_ ? Fate::durable : Fate::pending;
}

}  // namespace postable
