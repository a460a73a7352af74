// One client connection: sends bytes whole or in fragments, reads reply lines with a
// deadline, and keeps a bounded transcript of both directions for mismatch reports.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "rng.hpp"

namespace postable::multiclient {

enum class Fragmentation { whole, random_splits, byte_by_byte };

class Wire {
 public:
  using Clock = std::chrono::steady_clock;

  Wire(const std::string& host, std::uint16_t port);  // throws std::runtime_error
  ~Wire();
  Wire(const Wire&) = delete;
  Wire& operator=(const Wire&) = delete;

  bool send(const std::string& bytes, Fragmentation how, Rng& rng);
  std::optional<std::string> read_line(Clock::time_point deadline);
  bool closed_by_server(Clock::time_point deadline);  // true at EOF with nothing more sent
  void close();
  const std::string& transcript() const { return transcript_; }

 private:
  bool fill(Clock::time_point deadline);
  void note(const char* who, std::string_view bytes);

  int fd_ = -1;
  std::string buffered_;
  bool eof_ = false;
  std::string transcript_;
};

}  // namespace postable::multiclient
