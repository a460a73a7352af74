// The acceptor and the worker pool, standing in for impl/server/server.cpp's acceptor thread
// and pool.hpp: connections wait in a bounded backlog, and the acceptor takes the next one
// only when the very PoolLedger the server runs says a worker is idle.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "core/pool_ledger.hpp"
#include "sim/agenda.hpp"
#include "sim/digest.hpp"
#include "sim/notice.hpp"
#include "sim/oracle.hpp"
#include "sim/params.hpp"
#include "sim/trace.hpp"

namespace postable::sim {

struct Connection;

class Acceptor {
 public:
  Acceptor(const Params& params, Agenda<Notice>& agenda, Oracle& oracle, Summary& summary,
           TraceWriter* trace);
  // Whether a connection would find room in the backlog (else it is refused).
  bool has_room() const { return backlog_.size() < params_.backlog; }
  // A client connects: false when the backlog is full (the connection is refused).
  bool connect(Connection& c);
  // Puts an accept on the agenda when a connection waits and a worker is idle.
  void maybe_accept();
  // The accept the agenda announced: the connection a worker now serves, or null.
  Connection* accept();
  // The worker that served `c` is idle again.
  void worker_freed(const Connection& c);
  // The pool's rule: no worker idle while a connection waits (unless an accept is on its way).
  // Checked after every notice, so the common case (an empty backlog) is inline.
  void check_idle_rule() {
    if (!backlog_.empty()) check_idle_rule_with_backlog();
  }
  bool idle() const { return pool_.busy() == 0; }
  // The stop signal reaches the pool's machine (as the server's signal thread hands it over).
  void stop() { pool_.stop(); }
  bool stop_signalled() const { return pool_.stopped(); }
  // Whether the acceptor sees the stop now, for the first time: the machine says so at once
  // whatever the workers do, or (were it wrong) once a worker is idle. Asked after the stop
  // and after every worker freed; true once.
  bool sees_stop();
  // The stopped server closes its listener: the connections in the backlog, taken out.
  std::deque<Connection*> take_backlog();
  // The server died: the backlog and every worker's connection are gone (the world resets
  // them), and the restarted server's pool is all idle.
  void crash();

 private:
  void check_idle_rule_with_backlog();

  const Params& params_;
  Agenda<Notice>& agenda_;
  Oracle& oracle_;
  Summary& summary_;
  std::vector<std::uint64_t> free_workers_;  // which virtual worker takes the next connection
  std::deque<Connection*> backlog_;
  PoolLedger<std::uint64_t> pool_;
  bool accept_pending_ = false;
  bool stop_seen_ = false;
};

}  // namespace postable::sim
