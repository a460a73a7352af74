// Time as the core sees it: an instant is handed in by the caller (a real clock in the
// server, a virtual one in the simulator), never read inside the core.
#pragma once

#include <chrono>
#include <compare>

namespace postable {

using Duration = std::chrono::nanoseconds;

struct Instant {
  Duration since_origin{0};

  friend constexpr auto operator<=>(Instant, Instant) = default;
  friend constexpr Instant operator+(Instant at, Duration d) {
    return Instant{at.since_origin + d};
  }
  friend constexpr Duration operator-(Instant a, Instant b) {
    return a.since_origin - b.since_origin;
  }
};

}  // namespace postable
