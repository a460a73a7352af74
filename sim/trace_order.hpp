// A real run's trace in the order of its events' times. The sink writes each producer's buffer
// in turn, so the file's order strays from the times', but within bounds: each round of
// writing begins with a `flushed` mark, and every event after the mark of round k is later
// than the mark of the round before it (the sink stamps events under their buffer's lock,
// server/trace_sink.hpp). So at each mark, the events up to the mark before it may go out in
// order: what is held is two rounds' events, whatever the trace's length.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "core/run_trace.hpp"

namespace postable::sim {

class TraceOrder {
 public:
  // Takes the file's next event; calls `out(event)` for each event now known to be next in
  // time. Ties keep the file's order.
  template <typename Out>
  void take(const trace::Event& event, Out&& out) {
    if (event.kind != trace::Kind::flushed) {
      stopped_ = stopped_ || event.kind == trace::Kind::server_stopped;
      held_.push(Held{event, taken_++});
      return;
    }
    if (marked_) release_through(last_mark_, out);
    last_mark_ = event.time_ns;
    marked_ = true;
  }
  // The trace's end. A server that stopped whole wrote its last round whole: every event held
  // goes out. Otherwise (killed, or its writes failed) the last round may be part written, so
  // only what the last mark vouches for was given; the rest is dropped, and counted.
  template <typename Out>
  std::size_t finish(Out&& out) {
    if (stopped_) {
      release_through(UINT64_MAX, out);
      return 0;
    }
    const std::size_t dropped = held_.size();
    held_ = {};
    return dropped;
  }
  std::size_t held() const { return held_.size(); }

 private:
  struct Held {
    trace::Event event;
    std::uint64_t order;  // in the file, to break ties
    bool operator>(const Held& other) const {
      return event.time_ns != other.event.time_ns ? event.time_ns > other.event.time_ns
                                                  : order > other.order;
    }
  };
  template <typename Out>
  void release_through(std::uint64_t time_ns, Out& out) {
    while (!held_.empty() && held_.top().event.time_ns <= time_ns) {
      const trace::Event event = held_.top().event;
      held_.pop();
      out(event);
    }
  }

  std::priority_queue<Held, std::vector<Held>, std::greater<>> held_;
  std::uint64_t taken_ = 0;
  std::uint64_t last_mark_ = 0;  // the time of the last `flushed` mark, once `marked_`
  bool marked_ = false;
  bool stopped_ = false;  // a server_stopped event was taken
};

}  // namespace postable::sim
