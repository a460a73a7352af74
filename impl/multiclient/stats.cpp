#include "multiclient/stats.hpp"

#include <algorithm>

namespace postable::multiclient {

void Stats::merge(Tally& tally) {
  std::lock_guard lock(mutex_);
  total_.ops += tally.ops;
  total_.sessions += tally.sessions;
  for (const auto& [code, count] : tally.replies) total_.replies[code] += count;
  total_.latencies_ms.insert(total_.latencies_ms.end(), tally.latencies_ms.begin(),
                             tally.latencies_ms.end());
  total_.rows.insert(tally.rows.begin(), tally.rows.end());
  total_.reply_kinds.insert(tally.reply_kinds.begin(), tally.reply_kinds.end());
  for (Mismatch& mismatch : tally.mismatches) {
    if (total_.mismatches.size() < 20)
      total_.mismatches.push_back(std::move(mismatch));
    else
      total_.mismatches.push_back({mismatch.what, ""});  // keep the count, not the text
  }
  tally = Tally{};
}

bool Stats::claim_number(std::uint64_t number, const Envelope& envelope, std::string& why) {
  std::lock_guard lock(mutex_);
  if (!delivered_.emplace(number, envelope).second) {
    why = "message number " + std::to_string(number) + " was given twice";
    return false;
  }
  return true;
}

std::uint64_t Stats::ops() {
  std::lock_guard lock(mutex_);
  return total_.ops;
}

std::uint64_t Stats::sessions() {
  std::lock_guard lock(mutex_);
  return total_.sessions;
}

std::uint64_t Stats::errors() {
  std::lock_guard lock(mutex_);
  return total_.mismatches.size();
}

namespace {

double percentile(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const std::size_t index =
      std::min(sorted.size() - 1, std::size_t(fraction * double(sorted.size())));
  return sorted[index];
}

}  // namespace

Stats::Summary Stats::summary() {
  std::lock_guard lock(mutex_);
  Summary out;
  out.ops = total_.ops;
  out.sessions = total_.sessions;
  out.replies = total_.replies;
  std::vector<double> sorted = total_.latencies_ms;
  std::sort(sorted.begin(), sorted.end());
  out.p50_ms = percentile(sorted, 0.50);
  out.p99_ms = percentile(sorted, 0.99);
  out.max_ms = sorted.empty() ? 0 : sorted.back();
  out.rows = total_.rows;
  out.reply_kinds = total_.reply_kinds;
  out.mismatches = total_.mismatches;
  out.delivered = delivered_;
  return out;
}

}  // namespace postable::multiclient
