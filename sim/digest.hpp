// What a run reports: counts, replies by code, latencies, model rows covered, and the digest
// of the whole run (its witness: the same seed and flags give the same digest anywhere).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace postable::sim {

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
  std::uint64_t deferred = 0;  // clients that gave up connecting (refused every try)
  // Network faults that struck: connections reset (by the client's side, by the server's),
  // packets stalled, latencies spiked; and resets that cut a message short or a reply off.
  std::uint64_t net_resets_client = 0, net_resets_server = 0, net_stalls = 0, net_spikes = 0;
  std::uint64_t resets_in_data = 0, resets_with_reply_lost = 0;
  // Server crashes; the connections they cut, and of those the ones still in the backlog.
  std::uint64_t crashes = 0, reset_by_crash = 0, reset_unserved = 0;
  // Stop signals (0 or 1); the connections its drain closed in the backlog, unanswered; the
  // clients that came once the listener was closed.
  std::uint64_t stops = 0, stop_backlog_closed = 0, stop_refused = 0;
  // Disk faults that struck: syncs that failed (their messages got 451), moves that failed.
  std::uint64_t syncs_failed = 0, moves_failed = 0;
  std::uint64_t spills = 0;  // pieces of long bodies written to a spool
  std::map<int, std::uint64_t> replies;
  // Client send -> reply, virtual, as a histogram: memory does not grow with the run.
  LatencyHistogram latency;
  std::vector<std::uint64_t> row_counts;  // how often each model row fired
  std::uint64_t digest = 0;               // of the whole trace of notices and bytes
};

// Folds what happens into a digest. A word at a time: multiply by an odd constant and fold
// the high half down, so every input bit reaches every digest bit within a few words. Inline:
// it runs for every notice and every packet.
class Digest {
 public:
  explicit Digest(std::uint64_t seed = 0) : value_(seed) {}
  std::uint64_t value() const { return value_; }
  void fold(std::uint64_t first, std::uint64_t second) {
    value_ = mix(mix(value_ ^ first) ^ second);
  }
  void fold(std::string_view bytes) {
    std::uint64_t digest = value_ ^ bytes.size();
    std::size_t at = 0;
    for (; at + 8 <= bytes.size(); at += 8) {
      std::uint64_t word;
      std::memcpy(&word, bytes.data() + at, 8);
      digest = mix(digest ^ word);
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, bytes.data() + at, bytes.size() - at);
    value_ = mix(digest ^ tail);
  }

 private:
  static std::uint64_t mix(std::uint64_t x) {
    x *= 0x9e3779b97f4a7c15ULL;
    return x ^ (x >> 29);
  }

  std::uint64_t value_;
};

}  // namespace postable::sim
