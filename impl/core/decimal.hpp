// Decimal numbers as the project reads and prints them: a message number read as the server
// writes it, and the fixed-point figures the reports print and write.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace postable {

// Decimal digits only, at most 18 of them (so the value cannot overflow), no sign, no spaces.
inline std::optional<std::uint64_t> parse_decimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (const char digit : digits) {
    if (digit < '0' || digit > '9') return std::nullopt;
    value = value * 10 + std::uint64_t(digit - '0');
  }
  return value;
}

// `value` with `digits` digits after the point, as a report prints it ("12.35").
inline std::string fixed_point(double value, int digits) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

// `value` rounded to `digits` digits after the point, as a report's JSON gives it.
inline double rounded(double value, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

}  // namespace postable
