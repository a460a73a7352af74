// The whole simulated server and its clients in virtual time. Only the server's shells are
// stand-ins, each in a file named after the part of impl/server it replaces (acceptor,
// worker, mailbox, network); the Session, the framer, the ledgers and the record writer are
// the very code smtpd runs. The oracle checks every invariant as the run goes and at its end.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/rng.hpp"
#include "core/session.hpp"
#include "sim/acceptor.hpp"
#include "sim/agenda.hpp"
#include "sim/client_end.hpp"
#include "sim/connection.hpp"
#include "sim/digest.hpp"
#include "sim/mailbox.hpp"
#include "sim/network.hpp"
#include "sim/notice.hpp"
#include "sim/oracle.hpp"
#include "sim/params.hpp"
#include "sim/trace.hpp"
#include "sim/worker.hpp"

namespace postable::sim {

class World {
 public:
  // `trace`, when given, receives a span per session on its worker's track.
  explicit World(const Params& params, TraceWriter* trace = nullptr);
  // Runs the safety phase (arrivals) and the liveness phase (drain); the first violation
  // stops the run.
  std::optional<Violation> run();
  // Keeps the transcript of one client, for the report of a violation: a replay of the same
  // world with this set tells what that client and the server said.
  void transcribe(std::uint64_t client) { transcribed_ = client; }
  const Summary& summary() const { return summary_; }
  // Called every 2^18 notices with the summary so far and the virtual time: a progress line.
  void on_progress(std::function<void(const Summary&, Instant)> progress) {
    progress_ = std::move(progress);
  }

 private:
  void handle(const Notice& notice);
  void arrive(const Notice& notice);
  void schedule_next_arrival(std::uint64_t client);
  Connection& open_connection(std::uint64_t id);  // a client connects: it takes a free slot
  Connection* find(const Notice& notice);         // the notice's connection, if it is still there
  void server_closed(Connection& c);
  void client_finished(Connection& c);
  void trace_session(const Connection& c);  // its span on its worker's track
  void forget(Connection& c);               // both sides have closed: its slot is free
  std::string transcript_of(std::uint64_t client) const;
  void check_end();
  void crash();  // the server dies and starts again with --resume
  // The stop (world_stop.cpp): the signal, the drain's start once the acceptor sees it, its end.
  void stop();
  void begin_drain();
  void end_drain();
  void wake_workers(const std::vector<std::size_t>& workers);
  void check_told_at_stop();
  void check_closed_at_drain_end();
  bool drain_begun() const { return drain_.phase() != DrainPhase::running; }
  void reset(Connection& c, bool by_client);

  Params params_;
  TraceWriter* trace_;
  SessionConfig config_;
  Rng rng_;
  Agenda<Notice> agenda_;
  Summary summary_;
  Digest digest_;
  Oracle oracle_;
  Network network_;
  Acceptor acceptor_;
  Mailbox mailbox_;
  DrainLedger drain_;
  Worker worker_;
  ClientEnd clients_;
  std::vector<std::unique_ptr<Connection>> slots_;  // the open connections; gaps are free
  std::vector<std::uint32_t> free_slots_;
  std::optional<std::uint64_t> transcribed_;
  std::uint64_t stale_timers_ = 0;  // timers of closed connections still on the agenda
  std::function<void(const Summary&, Instant)> progress_;
};

}  // namespace postable::sim
