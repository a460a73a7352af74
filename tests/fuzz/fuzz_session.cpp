// The session fed the same client bytes whole and in fragments the fuzzer chooses, with
// deliveries stored or failed as it chooses and the clock run out at the end: the replies
// must be the same both ways, every reply well formed (three digits, a space, printable
// bytes, CRLF), the session's buffers bounded, and no assertion may fire.
//
// Input: five choice bytes (limits, strict, which deliveries fail), a length byte, that many
// fragment lengths (1-255 each, used in turn; none: byte by byte), then the client's bytes.
#include <algorithm>
#include <string>

#include "core/session.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

using namespace postable;
using postable::fuzz::demand;

struct Run {
  std::string replies;
  std::size_t peak_buffered = 0;
};

Run drive(const SessionConfig& config, std::string_view bytes, std::string_view cuts,
          std::uint8_t failing) {
  Session session(config, Instant{});
  Run run;
  std::uint64_t next_number = 1;
  std::size_t deliveries = 0;
  const auto settle = [&] {
    while (session.awaiting_delivery()) {
      demand(session.take_delivery().has_value(), "a session in store mode has a message");
      if ((failing >> (deliveries++ % 8)) & 1) {
        session.on_delivery_failed(Instant{});
      } else {
        session.on_delivered(next_number++, Instant{});
      }
    }
    run.replies += session.output();
    session.clear_output();
    run.peak_buffered = std::max(run.peak_buffered, session.buffered_bytes());
  };
  settle();
  for (std::size_t cut = 0; !bytes.empty() && session.wants_input(); ++cut) {
    std::size_t take = bytes.size();  // no cuts: all at once
    if (!cuts.empty()) take = std::max<std::size_t>(1, std::uint8_t(cuts[cut % cuts.size()]));
    take = std::min(take, bytes.size());
    session.feed(bytes.substr(0, take), Instant{});
    bytes.remove_prefix(take);
    settle();
  }
  if (session.wants_input()) {
    session.on_timeout(*session.deadline());
    settle();
  }
  demand(session.closed() || session.wants_input(), "a session ends closed or waiting");
  return run;
}

void demand_well_formed(std::string_view replies) {
  demand(replies.empty() || replies.ends_with("\r\n"), "the replies end in CRLF");
  while (!replies.empty()) {
    const std::size_t end = replies.find("\r\n");
    const std::string_view line = replies.substr(0, end);
    replies.remove_prefix(end + 2);
    demand(line.size() >= 4, "a reply has a code and a text");
    for (std::size_t i = 0; i < 3; ++i) demand(line[i] >= '0' && line[i] <= '9', "three digits");
    demand(line[3] == ' ', "a space after the code");
    for (char c : line.substr(4)) demand(c >= 0x20 && c <= 0x7e, "printable reply text");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  postable::fuzz::Choices choices(data, size);
  SessionConfig config;
  config.line_bytes_max = 16 + choices.byte() % 100;
  config.message_bytes_max = 1 + std::size_t(choices.byte()) * 4;
  config.error_limit = choices.byte() % 8;
  const std::uint8_t flags = choices.byte();
  config.junk_limit = flags % 4;
  config.strict = (flags & 0x80) != 0;
  const std::uint8_t failing = choices.byte();
  const std::string_view cuts = choices.take(choices.byte());
  const std::string_view bytes = choices.rest();

  const Run whole = drive(config, bytes, {}, failing);
  const Run cut = drive(config, bytes, cuts.empty() ? std::string_view("\x01") : cuts, failing);
  demand(whole.replies == cut.replies, "the same replies however the bytes are cut");
  demand_well_formed(whole.replies);
  // Fed at most 255 bytes at a time, a session holds a line, a message and what came after
  // its end, each at most once over (a string may have doubled its storage).
  const std::size_t bound = 2 * (config.line_bytes_max + config.message_bytes_max + 255) + 256;
  demand(cut.peak_buffered <= bound, "the session's buffers stay bounded");
  return 0;
}
