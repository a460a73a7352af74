// The simulator's clock and agenda: events ordered by virtual time, ties broken by the
// order they were scheduled in, so a run is the same on every machine.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "assert.hpp"
#include "time.hpp"

namespace postable::sim {

// The heap holds 16-byte keys in four-way order (shallower than a binary heap, and a node's
// children share a cache line); the events, which may carry bytes, stay put in a slab of
// reusable slots, so reordering the heap never copies a payload.
template <typename Event>
class EventQueue {
 public:
  void schedule(Instant at, Event event) {
    POSTABLE_ASSERT(at >= now_);  // nothing happens in the past
    std::uint64_t slot;
    if (free_slots_.empty()) {
      slot = slots_.size();
      POSTABLE_ASSERT(slot < slot_limit);
      slots_.push_back(std::move(event));
    } else {
      slot = free_slots_.back();
      free_slots_.pop_back();
      slots_[slot] = std::move(event);
    }
    POSTABLE_ASSERT(next_sequence_ < (std::uint64_t(1) << (64 - slot_bits)));
    sift_up(Key{at.since_origin.count(), next_sequence_++ << slot_bits | slot});
  }

  // Drops every pending event that `dead` says can no longer matter, and rebuilds the heap.
  // The order of the rest is a total order of (time, sequence), so what is left is popped
  // exactly as before.
  template <typename Dead>
  void purge(Dead dead) {
    std::vector<Key> kept;
    kept.reserve(keys_.size());
    for (const Key& key : keys_) {
      const auto slot = std::uint32_t(key.order & (slot_limit - 1));
      if (dead(slots_[slot])) {
        free_slots_.push_back(slot);
      } else {
        kept.push_back(key);
      }
    }
    keys_.clear();
    for (const Key& key : kept) sift_up(key);
  }

  std::size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  Instant now() const { return now_; }
  std::uint64_t scheduled() const { return next_sequence_; }

  // Moves the clock to the next event and hands it out.
  Event pop() {
    const Key top = keys_.front();
    const Key last = keys_.back();
    keys_.pop_back();
    if (!keys_.empty()) sift_down(last);
    now_ = Instant{Duration(top.at)};
    const auto slot = std::uint32_t(top.order & (slot_limit - 1));
    free_slots_.push_back(slot);
    return std::move(slots_[slot]);
  }

 private:
  static constexpr int slot_bits = 24;  // 16 million events pending at once
  static constexpr std::uint64_t slot_limit = std::uint64_t(1) << slot_bits;
  struct Key {
    std::int64_t at;      // virtual nanoseconds
    std::uint64_t order;  // sequence above, slot below: ties go to the earlier scheduled
    bool before(const Key& other) const {
      return at != other.at ? at < other.at : order < other.order;
    }
  };

  void sift_up(Key key) {
    std::size_t hole = keys_.size();
    keys_.push_back(key);
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / 4;
      if (!key.before(keys_[parent])) break;
      keys_[hole] = keys_[parent];
      hole = parent;
    }
    keys_[hole] = key;
  }

  // Puts `key` into the hole the top left, moving the earliest child up until it fits.
  void sift_down(Key key) {
    const std::size_t size = keys_.size();
    std::size_t hole = 0;
    for (;;) {
      const std::size_t first = 4 * hole + 1;
      if (first >= size) break;
      std::size_t best = first;
      const std::size_t end = std::min(first + 4, size);
      for (std::size_t child = first + 1; child < end; ++child) {
        if (keys_[child].before(keys_[best])) best = child;
      }
      if (!keys_[best].before(key)) break;
      keys_[hole] = keys_[best];
      hole = best;
    }
    keys_[hole] = key;
  }

  std::vector<Key> keys_;
  std::vector<Event> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_sequence_ = 0;
  Instant now_{};
};

}  // namespace postable::sim
