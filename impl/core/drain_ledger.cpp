#include "core/drain_ledger.hpp"

#include "core/assert.hpp"

namespace postable {

StopNews stop_news(DrainPhase phase, bool session_stopping) {
  if (phase != DrainPhase::running && !session_stopping) return StopNews::stop;
  return phase == DrainPhase::over ? StopNews::drain_over : StopNews::none;
}

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

bool DrainLedger::waited(std::size_t worker) {
  POSTABLE_ASSERT(worker < workers_.size() && workers_[worker] != Worker::idle);
  const bool woken = workers_[worker] == Worker::woken;
  workers_[worker] = Worker::busy;
  return woken;
}

// The workers `wanted` picks, marked woken if they wait (a busy one is not waiting yet: it
// will see the phase before it does).
std::vector<std::size_t> DrainLedger::wake_all(bool (*wanted)(Worker)) {
  std::vector<std::size_t> wake;
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    if (!wanted(workers_[w])) continue;
    wake.push_back(w);
    if (workers_[w] != Worker::busy) workers_[w] = Worker::woken;
  }
  return wake;
}

std::vector<std::size_t> DrainLedger::stop() {
  if (phase_ == DrainPhase::running) phase_ = DrainPhase::stopping;
  return wake_all([](Worker w) { return w == Worker::waiting_for_command; });
}

std::vector<std::size_t> DrainLedger::end_drain() {
  phase_ = DrainPhase::over;
  return wake_all([](Worker w) { return w != Worker::idle; });
}

}  // namespace postable
