// Reads a message number as the server writes it: decimal digits only, at most 18 of them
// (so the value cannot overflow), no sign, no spaces.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace postable {

inline std::optional<std::uint64_t> parse_decimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (const char digit : digits) {
    if (digit < '0' || digit > '9') return std::nullopt;
    value = value * 10 + std::uint64_t(digit - '0');
  }
  return value;
}

}  // namespace postable
