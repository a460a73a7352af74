// The whole simulated server and its clients in virtual time. Only the server's shells are
// stand-ins (workers, acceptor, backlog, network, backup thread); the Session, the framer,
// the ledgers and the record writer are the very code smtpd runs. An oracle checks every
// invariant as the run goes and at its end.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client.hpp"
#include "event_queue.hpp"
#include "mailbox_ledger.hpp"
#include "params.hpp"
#include "pool_ledger.hpp"
#include "reply.hpp"
#include "trace.hpp"

namespace postable::sim {

struct Violation {
  std::string invariant;
  std::uint64_t client = 0;
  std::string transcript;
};

// Microseconds in buckets of 1/8 of a power of two: fixed memory, about 12% resolution.
class LatencyHistogram {
 public:
  void add(std::uint64_t us);
  std::uint64_t percentile(double fraction) const;  // the bucket's lower bound
  std::uint64_t count() const { return count_; }
  friend bool operator==(const LatencyHistogram&, const LatencyHistogram&) = default;

 private:
  static constexpr std::size_t bucket_count = 64 * 8;
  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0;
};

struct Summary {
  Instant virtual_end{};
  std::uint64_t sessions = 0, messages = 0, events = 0, refused = 0;
  std::map<int, std::uint64_t> replies;
  // Client send -> reply, virtual, as a histogram: memory does not grow with the run.
  LatencyHistogram latency;
  std::vector<std::uint64_t> row_counts;  // how often each model row fired
  std::uint64_t digest = 0;               // of the whole event trace
};

class World {
 public:
  // `trace`, when given, receives a span per session on its worker's track.
  explicit World(const Params& params, TraceWriter* trace = nullptr);
  ~World();
  // Runs the safety phase (arrivals) and the liveness phase (drain); the first violation
  // stops the run.
  std::optional<Violation> run();
  // Keeps the transcript of one client, for the report of a violation: a replay of the same
  // world with this set tells what that client and the server said.
  void transcribe(std::uint64_t client) { transcribed_ = client; }
  const Summary& summary() const { return summary_; }
  // Called every 2^18 events with the summary so far and the virtual time: a progress line.
  void on_progress(std::function<void(const Summary&, Instant)> progress) {
    progress_ = std::move(progress);
  }

 private:
  struct Connection;
  struct Event;
  enum class Kind : std::uint8_t;

  Connection* find(const Event& event);  // the event's connection, if it is still there
  void forget(Connection& c);            // both sides have closed: its slot is free
  void handle(const Event& event);
  void arrive(const Event& event);
  void accept();
  void maybe_accept();
  void send(Connection& c, Kind kind, std::string_view bytes, bool eof);
  void deliver_to_server(Connection& c, std::string_view bytes, bool eof);
  void after_server_step(Connection& c);
  void deliver(Connection& c, Envelope envelope);
  bool store(Connection& c, const Envelope& envelope);
  void backup_done();
  void server_timeout(Connection& c);
  Instant fire_time(Instant deadline) const;  // when the (possibly faulty) timer goes off
  void deliver_to_client(Connection& c, std::string_view bytes, bool eof);
  void client_line(Connection& c, std::string_view line);
  void client_timed_out(Connection& c);
  void client_act(Connection& c);
  void send_from_client(Connection& c, const Batch& batch);
  void close_server_side(Connection& c);
  void finish_client(Connection& c);
  Duration latency();
  void fail(std::string invariant, std::uint64_t client);
  void check_idle_rule();
  void check_end();
  void fold(std::uint64_t first, std::uint64_t second);
  void fold(std::string_view bytes);

  Params params_;
  TraceWriter* trace_;
  std::vector<std::uint64_t> free_workers_;  // which virtual worker takes the next connection
  Instant backup_started_{};
  SessionConfig config_;
  DeliveredReply delivered_;  // reads the number a client is given
  Rng rng_;
  std::unique_ptr<EventQueue<Event>> queue_;
  std::vector<std::unique_ptr<Connection>> slots_;  // the open connections; gaps are free
  std::vector<std::uint32_t> free_slots_;
  std::deque<Connection*> backlog_;
  PoolLedger<std::uint64_t> pool_;
  bool accept_pending_ = false;
  MailboxLedger ledger_;
  std::deque<std::pair<Connection*, Envelope>> waiting_;  // deliveries held by a backup
  // The live file by its numbers (the order checks need no more); each record waits in
  // `unacknowledged_` until its client has read its number and compared the bytes.
  std::vector<std::uint64_t> live_file_;
  std::uint64_t files_checked_ = 0;
  std::map<std::uint64_t, std::string> unacknowledged_;  // stored, reply not yet read
  BackupRange moving_range_;
  std::uint64_t last_backed_up_ = 0;
  std::uint64_t skipped_ = 0;
  std::uint64_t arrived_ = 0;
  std::optional<std::uint64_t> transcribed_;
  std::string timeout_line_;
  std::array<std::uint64_t, 1000> reply_counts_{};  // by code: Summary::replies at the end
  std::uint64_t stale_timers_ = 0;    // timers of closed connections still in the queue
  Duration latency_min_{};            // one way through the virtual network: min + [0, spread)
  std::uint64_t latency_spread_ = 1;  // the model's 421 for a timeout, as the client reads it
  Summary summary_;
  std::optional<Violation> violation_;
  std::function<void(const Summary&, Instant)> progress_;
};

}  // namespace postable::sim
