#include "sim/acceptor.hpp"

#include <string>

#include "sim/connection.hpp"

namespace postable::sim {

Acceptor::Acceptor(const Params& params, Agenda<Notice>& agenda, Oracle& oracle, Summary& summary,
                   TraceWriter* trace)
    : params_(params), agenda_(agenda), oracle_(oracle), summary_(summary), pool_(params.workers) {
  for (std::uint64_t w = 0; w < params.workers; ++w) {
    pool_.worker_waits();
    free_workers_.push_back(params.workers - 1 - w);
    if (trace) trace->name_track(w, "worker " + std::to_string(w));
  }
  if (trace) trace->name_track(params.workers, "backup thread");
}

bool Acceptor::connect(Connection& c) {
  if (backlog_.size() >= params_.backlog) return false;
  backlog_.push_back(&c);
  maybe_accept();
  return true;
}

void Acceptor::maybe_accept() {
  if (accept_pending_ || backlog_.empty() || pool_.acceptor_step() != AcceptorStep::accept) return;
  accept_pending_ = true;
  agenda_.schedule(agenda_.now(), Notice{Kind::accept});
}

Connection* Acceptor::accept() {
  accept_pending_ = false;
  if (backlog_.empty() || stop_seen_) return nullptr;  // the stop came first: accept_ended
  oracle_.accepted(free_workers_.size(), backlog_.front()->id);  // the world's own count
  if (oracle_.failed()) return nullptr;
  Connection& c = *backlog_.front();
  backlog_.pop_front();
  pool_.begin_accept();
  pool_.hand_off(c.id);
  pool_.take();
  c.worker = free_workers_.back();
  free_workers_.pop_back();
  c.accepted_at = agenda_.now();
  ++summary_.sessions;
  c.last_restart = agenda_.now();
  return &c;
}

void Acceptor::worker_freed(const Connection& c) {
  pool_.worker_waits();
  free_workers_.push_back(c.worker);
}

bool Acceptor::sees_stop() {
  if (stop_seen_ || pool_.acceptor_step() != AcceptorStep::stop) return false;
  stop_seen_ = true;
  return true;
}

std::deque<Connection*> Acceptor::take_backlog() {
  std::deque<Connection*> taken;
  taken.swap(backlog_);
  return taken;
}

void Acceptor::crash() {
  backlog_.clear();
  pool_ = PoolLedger<std::uint64_t>(params_.workers);
  free_workers_.clear();
  for (std::uint64_t w = 0; w < params_.workers; ++w) {
    pool_.worker_waits();
    free_workers_.push_back(params_.workers - 1 - w);
  }
}

void Acceptor::check_idle_rule_with_backlog() {
  if (!oracle_.failed() && !free_workers_.empty() && !accept_pending_ && !pool_.stopped()) {
    oracle_.fail("a worker is idle while a connection waits in the backlog", backlog_.front()->id);
  }
}

}  // namespace postable::sim
