// What all connections found, gathered under one lock: operations, replies per code,
// latencies, the model rows covered, message numbers handed out, and every mismatch with
// the transcript of its session.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/envelope.hpp"
#include "model/smtp_table.hpp"

namespace postable::multiclient {

struct Mismatch {
  std::string what;
  std::string transcript;
};

// One connection's findings; merged into Stats when its session ends.
struct Tally {
  std::uint64_t ops = 0;
  std::uint64_t sessions = 0;
  std::map<int, std::uint64_t> replies;  // code -> count
  std::vector<double> latencies_ms;
  std::set<std::size_t> rows;         // model rows exercised
  std::set<std::size_t> reply_kinds;  // model replies seen (each a row of protocol.md)
  std::vector<Mismatch> mismatches;
};

class Stats {
 public:
  void merge(Tally& tally);
  // A server-given message number: false (and why) if it was seen before.
  bool claim_number(std::uint64_t number, const Envelope& envelope, std::string& why);

  std::uint64_t ops();
  std::uint64_t sessions();
  std::uint64_t errors();

  struct Summary {
    std::uint64_t ops = 0, sessions = 0;
    std::map<int, std::uint64_t> replies;
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
    std::set<std::size_t> rows;
    std::set<std::size_t> reply_kinds;
    std::vector<Mismatch> mismatches;
    std::map<std::uint64_t, Envelope> delivered;
  };
  Summary summary();

 private:
  std::mutex mutex_;
  Tally total_;
  std::map<std::uint64_t, Envelope> delivered_;
};

}  // namespace postable::multiclient
