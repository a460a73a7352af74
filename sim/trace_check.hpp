// The checker of a real run (smtpsim check): the events of smtpd --trace, in time order,
// judged by the simulator's own oracle (sim/oracle.hpp). One oracle, two producers: the
// simulated world tells it what its virtual server did, this checker what the real one did.
// Each connection is replayed through the model's table (sim/trace_replay.hpp); the mailbox's
// events are followed as the files would be (the numbers, where each record ends, what a sync
// covered, what a failed sync takes back, each backup's range); and the promises that span
// connections (the acceptor's, the timeouts', the stop's and the drain's) are checked over
// the events' times. Memory is the open connections and the records not yet synced.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/run_trace.hpp"
#include "core/session.hpp"
#include "sim/oracle.hpp"
#include "sim/trace.hpp"
#include "sim/trace_replay.hpp"

namespace postable::sim {

// What a trace's header says the server ran with, and what its start found.
struct RunHeader {
  SessionConfig session;
  std::uint64_t threads = 0, backup_every = 0;
  Duration drain{0};
  bool resume = false;
  std::uint64_t stored = 0, backed_up = 0, live_bytes = 0;
};
// Reads a header's key=value lines; nullopt, and `problem` set, when one is missing or bad.
std::optional<RunHeader> read_run_header(std::string_view text, std::string& problem);

struct CheckCounts {
  std::uint64_t events = 0, connections = 0, reads = 0, bytes_read = 0;
  std::uint64_t acknowledged = 0, refused = 0, syncs = 0, syncs_failed = 0, moves = 0;
};

class TraceChecker {
 public:
  // `slack`: how late a real run's timeout, or the stop's 421, may come (threads and a
  // kernel are not virtual time). `timeline`, when given, gets the run as spans.
  explicit TraceChecker(Duration slack, TraceWriter* timeline = nullptr);

  // A trace begins: the first, or a run that resumed the files of the one before it (killed,
  // or stopped whole); a later trace of a run without --resume is a violation.
  void begin(const RunHeader& header);
  // The events in time order. A trace that ends before its server_stopped (a run killed, or
  // its writes failed) is judged up to its end; what follows is the next run's, or nobody's.
  void take(const trace::Event& event);
  bool stopped() const { return stopped_; }  // the last trace's server stopped whole
  bool failed() const { return oracle_.failed(); }
  // The violation: the promise broken, the connection's transcript, the events before it.
  std::string report() const;
  const CheckCounts& counts() const { return counts_; }

 private:
  void accepted(const trace::Event& e);
  void read(const trace::Event& e);
  void fired(const trace::Event& e);
  void explain(ReplayedConnection& c, const model::Row& row, Instant at);
  void delivery_outcome(ReplayedConnection& c, const model::Row& row);
  void told(const trace::Event& e);
  void appended(const trace::Event& e);
  void sync_ended(const trace::Event& e);
  void move_begun(const trace::Event& e);
  void move_ended(const trace::Event& e);
  void closed(const trace::Event& e);
  void server_stopped();
  void check_stop_promises(Instant now);
  ReplayedConnection* find(const trace::Event& e);
  void fail(const std::string& promise, std::uint32_t connection) {
    oracle_.fail(promise, connection);
  }

  Duration slack_;
  TraceWriter* timeline_;
  Oracle oracle_;
  RunHeader header_;
  std::map<std::uint32_t, std::unique_ptr<ReplayedConnection>> open_;
  // The live file as its events say: where it ends, how much a sync covered, the records not
  // yet covered (the only ones a failed sync may take back), the next number.
  std::uint64_t file_end_ = 0, durable_end_ = 0, durable_through_ = 0, next_number_ = 1;
  struct Pending {
    std::uint64_t number, end;
    std::uint32_t connection;
  };
  std::deque<Pending> pending_;
  std::optional<BackupRange> moving_;
  std::optional<Instant> stop_at_, drain_over_at_, next_stop_check_, sync_begun_at_, move_begun_at_;
  bool stopped_ = false, began_ = false;
  CheckCounts counts_;
  std::deque<trace::Event> recent_;        // the last few events, for the report
  std::set<std::uint16_t> named_workers_;  // the timeline's worker tracks named so far
};

}  // namespace postable::sim
