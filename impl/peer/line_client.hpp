// One client connection over loopback TCP, shared by multiclient and the integration tests:
// sends bytes whole or in fragments, reads reply lines with a deadline, notices when the
// server closes, and keeps a bounded transcript of both directions for mismatch reports.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/rng.hpp"

namespace postable::peer {

enum class Fragmentation { whole, random_splits, byte_by_byte };

class LineClient {
 public:
  using Clock = std::chrono::steady_clock;

  LineClient(const std::string& host, std::uint16_t port);  // throws std::runtime_error
  explicit LineClient(std::uint16_t port) : LineClient("127.0.0.1", port) {}
  ~LineClient();
  LineClient(const LineClient&) = delete;
  LineClient& operator=(const LineClient&) = delete;

  // False when the server closed before every byte went out.
  bool send(std::string_view bytes, Fragmentation how, Rng& rng);
  bool send(std::string_view bytes);
  bool send_line(const std::string& line) { return send(line + "\r\n"); }
  // The next reply line (without CRLF), or nullopt if none came in time or the server closed.
  std::optional<std::string> read_line(Clock::time_point deadline);
  std::optional<std::string> reply(std::chrono::milliseconds wait = std::chrono::seconds(10));
  // Sends a line and returns the reply to it ("" when none came).
  std::string ask(const std::string& line);
  // True at the server's end of stream with no reply left unread.
  bool closed_by_server(Clock::time_point deadline);
  bool closed_by_server(std::chrono::milliseconds wait = std::chrono::seconds(10)) {
    return closed_by_server(Clock::now() + wait);
  }
  void shutdown_sending();
  void close();
  const std::string& transcript() const { return transcript_; }

 private:
  bool fill(Clock::time_point deadline);  // one read; false when the deadline has passed
  void note(const char* who, std::string_view bytes);

  int fd_ = -1;
  std::string buffered_;
  bool eof_ = false;
  std::string transcript_;
};

}  // namespace postable::peer
