// Whatever a client sends, a session's buffers stay bounded: a line that never ends is
// dropped as it arrives, and a message over the size limit is counted, not kept.
#define BOOST_TEST_MODULE memory_bound
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>

#include "core/session.hpp"
#include "support/harness.hpp"

namespace {

using postable::Instant;
using postable::Session;
using postable::SessionConfig;
using postable::testing::take_output;

constexpr std::size_t chunk_bytes = 64 * 1024;

// Garbage with no LF in it (CRs included), from a fixed generator so the test repeats.
std::string garbage_chunk() {
  std::string chunk(chunk_bytes, '\0');
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (char& c : chunk) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    c = static_cast<char>(state >> 56);
    if (c == '\n') c = '\r';
  }
  return chunk;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_gibibyte_without_a_newline_keeps_the_buffer_under_64_kib) {
  Session session(SessionConfig{}, Instant{});
  take_output(session);
  const std::string chunk = garbage_chunk();
  std::size_t peak_bytes = 0;
  const std::uint64_t total_bytes = std::uint64_t(1) << 30;
  // Small pieces first, so that the line buffer fills up to its limit before the line is
  // dropped; then the rest in large ones.
  for (std::size_t at = 0; at < 2000; at += 100) {
    session.feed(std::string_view(chunk).substr(at, 100), Instant{});
    peak_bytes = std::max(peak_bytes, session.buffered_bytes());
  }
  for (std::uint64_t sent = 2000; sent < total_bytes; sent += chunk.size()) {
    session.feed(chunk, Instant{});
    peak_bytes = std::max(peak_bytes, session.buffered_bytes());
  }
  BOOST_TEST(peak_bytes < 64 * 1024);
  BOOST_TEST(peak_bytes >= 900);         // the line buffer was really in use
  BOOST_TEST(session.output().empty());  // nothing answered before the line ends
  session.feed("\r\n", Instant{});
  BOOST_TEST(take_output(session) == "500 5.5.2 Error: line too long\r\n");
}

BOOST_AUTO_TEST_CASE(a_message_over_the_limit_is_counted_not_kept) {
  SessionConfig config;
  config.message_bytes_max = 1 << 20;
  Session session(config, Instant{});
  session.feed("HELO h\r\nMAIL FROM: a@b\r\nRCPT TO: c@d\r\nDATA\r\n", Instant{});
  take_output(session);
  const std::string chunk = garbage_chunk();
  std::size_t peak_bytes = 0;
  for (std::uint64_t sent = 0; sent < (std::uint64_t(256) << 20); sent += chunk.size()) {
    session.feed(chunk, Instant{});
    peak_bytes = std::max(peak_bytes, session.buffered_bytes());
  }
  BOOST_TEST(peak_bytes <= 2 * config.message_bytes_max + 64 * 1024);
  BOOST_TEST(peak_bytes >= config.message_bytes_max);  // the body was kept up to the limit
  session.feed("\r\n.\r\n", Instant{});
  BOOST_TEST(take_output(session) == "552 5.3.4 Error: message too big\r\n");
  BOOST_TEST(!session.awaiting_delivery());
  BOOST_TEST(session.buffered_bytes() < 64 * 1024);
}
