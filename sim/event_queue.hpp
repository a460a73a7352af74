// The simulator's clock and agenda: events ordered by virtual time, ties broken by the
// order they were scheduled in, so a run is the same on every machine.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "assert.hpp"
#include "time.hpp"

namespace postable::sim {

template <typename Event>
class EventQueue {
 public:
  void schedule(Instant at, Event event) {
    POSTABLE_ASSERT(at >= now_);  // nothing happens in the past
    queue_.push(Entry{at, next_sequence_++, std::move(event)});
  }

  bool empty() const { return queue_.empty(); }
  Instant now() const { return now_; }
  std::uint64_t scheduled() const { return next_sequence_; }

  // Moves the clock to the next event and hands it out.
  Event pop() {
    // Moving out of the top is safe: pop() orders by time and sequence, which stay intact.
    Entry entry = std::move(const_cast<Entry&>(queue_.top()));
    queue_.pop();
    now_ = entry.at;
    return std::move(entry.event);
  }

 private:
  struct Entry {
    Instant at;
    std::uint64_t sequence;
    Event event;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.at != b.at ? a.at > b.at : a.sequence > b.sequence;
    }
  };

  std::priority_queue<Entry, std::vector<Entry>, Later> queue_;
  std::uint64_t next_sequence_ = 0;
  Instant now_{};
};

}  // namespace postable::sim
