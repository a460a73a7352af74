#include "sim/digest.hpp"

#include <algorithm>

namespace postable::sim {

void LatencyHistogram::add(std::uint64_t us) {
  std::size_t bucket = us;
  if (us >= 8) {
    const int power = 63 - __builtin_clzll(us);  // us in [2^power, 2^(power+1))
    bucket = std::size_t(power - 2) * 8 + std::size_t((us >> (power - 3)) & 7);
  }
  ++buckets_[std::min(bucket, bucket_count - 1)];
  ++count_;
}

std::uint64_t LatencyHistogram::percentile(double fraction) const {
  if (count_ == 0) return 0;
  const auto wanted = std::uint64_t(fraction * double(count_));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < bucket_count; ++b) {
    seen += buckets_[b];
    if (seen > wanted) {
      if (b < 8) return b;
      const std::size_t power = b / 8 + 2;
      return (std::uint64_t(1) << power) + (std::uint64_t(b % 8) << (power - 3));
    }
  }
  return 0;
}

}  // namespace postable::sim
