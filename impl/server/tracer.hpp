// What smtpd's shells tell the trace (smtpd --trace FILE; core/run_trace.hpp), in their own
// words: each call is one event, and costs nothing when the server runs without a trace. The
// sink stamps each event's time.
// Producers: each worker its own; the acceptor; the mailbox, under its lock (so the order of
// appends, syncs and moves is the lock's); the server's own (the stop, the drain).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/run_trace.hpp"
#include "server/trace_sink.hpp"

namespace postable {

class Tracer {
 public:
  // No trace (a null sink), or one over `workers` workers and the three producers after them.
  Tracer(TraceSink* sink, std::size_t workers) : sink_(sink), workers_(workers) {}
  static constexpr std::size_t producers_beyond_workers = 3;

  bool on() const { return sink_ != nullptr; }
  void accepted(std::uint32_t connection, std::uint64_t idle_workers) const {
    record(workers_, trace::Kind::accept, connection, idle_workers);
  }
  void read(std::size_t worker, std::uint32_t connection, std::string_view bytes) const {
    if (!on()) return;
    sink_->record(worker, {0, trace::Kind::bytes_read, connection, 0, 0, bytes.size(), 0, bytes});
  }
  void fired(std::size_t worker, std::uint32_t connection, std::uint16_t row) const {
    if (!on()) return;
    sink_->record(worker, {0, trace::Kind::row_fired, connection, 0, row, 0, 0, {}});
  }
  void told_of_stop(std::size_t worker, std::uint32_t connection) const {
    record(worker, trace::Kind::stop_told, connection, 0);
  }
  void closed(std::size_t worker, std::uint32_t connection) const {
    if (!on()) return;
    sink_->record(
        worker,
        {0, trace::Kind::connection_closed, connection, 0, std::uint16_t(worker), 0, 0, {}});
  }
  // The mailbox's events, under its lock: kind, the connection a record is for, two values.
  void mailbox(trace::Kind kind, std::uint32_t connection, std::uint64_t a, std::uint64_t b,
               bool ok) const {
    if (!on()) return;
    sink_->record(workers_ + 1,
                  {0, kind, connection, std::uint8_t(ok ? trace::ok_flag : 0), 0, a, b, {}});
  }
  void server(trace::Kind kind) const { record(workers_ + 2, kind, 0, 0); }

 private:
  void record(std::size_t producer, trace::Kind kind, std::uint32_t connection,
              std::uint64_t a) const {
    if (!on()) return;
    sink_->record(producer, {0, kind, connection, 0, 0, a, 0, {}});
  }

  TraceSink* sink_;
  std::size_t workers_;
};

}  // namespace postable
