#include "core/drain_ledger.hpp"

#include "core/assert.hpp"

namespace postable {

DrainLedger::DrainLedger(std::size_t workers) : workers_(workers, Worker::idle) {}

void DrainLedger::serving(std::size_t worker, bool serving) {
  POSTABLE_ASSERT(worker < workers_.size());
  workers_[worker] = serving ? Worker::busy : Worker::idle;
}

bool DrainLedger::may_wait(std::size_t worker, bool for_command) {
  POSTABLE_ASSERT(worker < workers_.size() && workers_[worker] == Worker::busy);
  if (phase_ == DrainPhase::over || (phase_ == DrainPhase::stopping && for_command)) {
    return false;
  }
  workers_[worker] = for_command ? Worker::waiting_for_command : Worker::waiting_for_data;
  return true;
}

void DrainLedger::waited(std::size_t worker) {
  POSTABLE_ASSERT(worker < workers_.size() && workers_[worker] != Worker::idle);
  workers_[worker] = Worker::busy;
}

std::vector<std::size_t> DrainLedger::stop() {
  if (phase_ == DrainPhase::running) phase_ = DrainPhase::stopping;
  std::vector<std::size_t> wake;
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    if (workers_[w] == Worker::waiting_for_command) wake.push_back(w);
  }
  return wake;
}

std::vector<std::size_t> DrainLedger::end_drain() {
  phase_ = DrainPhase::over;
  std::vector<std::size_t> wake;
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    if (workers_[w] != Worker::idle) wake.push_back(w);
  }
  return wake;
}

}  // namespace postable
