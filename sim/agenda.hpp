// The simulator's clock and agenda: notices of what happens next, ordered by virtual time,
// ties broken by the order they were scheduled in, so a run is the same on every machine.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/assert.hpp"
#include "core/time.hpp"

namespace postable::sim {

// A four-way heap (shallower than a binary one; a node's children share a cache line) of
// small notices: the bytes in flight live with their connections, not here.
template <typename Notice>
class Agenda {
 public:
  void schedule(Instant at, Notice notice) {
    POSTABLE_ASSERT(at >= now_);  // nothing happens in the past
    sift_up(Entry{at.since_origin.count(), next_sequence_++, std::move(notice)});
  }

  // Drops every pending notice that `dead` says can no longer matter, and rebuilds the heap.
  // (time, sequence) is a total order, so what is left is popped exactly as before.
  template <typename Dead>
  void purge(Dead dead) {
    std::vector<Entry> kept;
    kept.reserve(entries_.size());
    for (Entry& entry : entries_) {
      if (!dead(entry.notice)) kept.push_back(std::move(entry));
    }
    entries_.clear();
    for (Entry& entry : kept) sift_up(std::move(entry));
  }

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  Instant now() const { return now_; }
  // Whether any notice is due before `at` (at it included).
  bool due_by(Instant at) const {
    return !entries_.empty() && entries_.front().at <= at.since_origin.count();
  }
  std::uint64_t scheduled() const { return next_sequence_; }

  // Moves the clock to the next notice and hands it out.
  Notice pop() {
    Entry top = std::move(entries_.front());
    Entry last = std::move(entries_.back());
    entries_.pop_back();
    if (!entries_.empty()) sift_down(std::move(last));
    now_ = Instant{Duration(top.at)};
    return std::move(top.notice);
  }

 private:
  struct Entry {
    std::int64_t at;  // virtual nanoseconds
    std::uint64_t sequence;
    Notice notice;
    bool before(const Entry& other) const {  // without branches: the heap's hot compare
      return (at < other.at) | ((at == other.at) & (sequence < other.sequence));
    }
  };

  void sift_up(Entry entry) {
    std::size_t hole = entries_.size();
    entries_.push_back(entry);
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / 4;
      if (!entry.before(entries_[parent])) break;
      entries_[hole] = std::move(entries_[parent]);
      hole = parent;
    }
    entries_[hole] = std::move(entry);
  }

  // Puts `entry` into the hole the top left, moving the earliest child up until it fits.
  void sift_down(Entry entry) {
    const std::size_t size = entries_.size();
    std::size_t hole = 0;
    for (;;) {
      const std::size_t first = 4 * hole + 1;
      if (first >= size) break;
      std::size_t best = first;
      const std::size_t end = std::min(first + 4, size);
      for (std::size_t child = first + 1; child < end; ++child) {
        if (entries_[child].before(entries_[best])) best = child;
      }
      if (!entries_[best].before(entry)) break;
      entries_[hole] = std::move(entries_[best]);
      hole = best;
    }
    entries_[hole] = std::move(entry);
  }

  std::vector<Entry> entries_;
  std::uint64_t next_sequence_ = 0;
  Instant now_{};
};

}  // namespace postable::sim
