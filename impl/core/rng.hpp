// A portable, seeded random generator (xoshiro256**, seeded through splitmix64) with its own
// bounded-integer and chance helpers: std:: distributions differ between standard libraries,
// and a seed must replay the same run on any machine.
#pragma once

#include <cstdint>

#include "core/assert.hpp"

namespace postable {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (std::uint64_t& word : state_) word = splitmix64(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, bound): draws below 2^64 mod bound are rejected, so no value is favoured.
  std::uint64_t below(std::uint64_t bound) {
    POSTABLE_ASSERT(bound > 0);
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      const std::uint64_t draw = next();
      if (draw >= threshold) return draw % bound;
    }
  }

  std::uint64_t between(std::uint64_t low, std::uint64_t high) {  // inclusive
    POSTABLE_ASSERT(low <= high);
    return low + below(high - low + 1);
  }

  bool chance(double probability) { return unit() < probability; }
  double unit() { return double(next() >> 11) * 0x1.0p-53; }  // [0, 1)

  // A new generator whose stream does not overlap this one's in practice.
  Rng split() { return Rng(next()); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  std::uint64_t state_[4];
};

}  // namespace postable
