// What the fuzz targets share: reading the fuzzer's bytes as choices, and the one way a
// target fails, the broken rule on stderr and then abort(), which libFuzzer reports as a
// crash together with the input that caused it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace postable::fuzz {

inline void demand(bool holds, const char* rule) {
  if (holds) return;
  std::fprintf(stderr, "fuzz: broken: %s\n", rule);
  std::abort();
}

// The input as a few choices up front, then the bytes the target works on.
class Choices {
 public:
  Choices(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}
  std::uint8_t byte() {  // 0 once the input is used up
    if (rest_.empty()) return 0;
    const auto value = std::uint8_t(rest_.front());
    rest_.remove_prefix(1);
    return value;
  }
  // Up to `length` bytes, taken off the front.
  std::string_view take(std::size_t length) {
    const std::string_view taken = rest_.substr(0, length);
    rest_.remove_prefix(taken.size());
    return taken;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

}  // namespace postable::fuzz
