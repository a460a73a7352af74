// One command line, whatever its bytes, answered by the session (the classifier and the
// generated table) exactly as by the reference reading of the spec written by hand
// (tests/property/reference_session.cpp), in each state a command can come in, with and
// without --strict.
#include <array>
#include <string>
#include <vector>

#include "core/session.hpp"
#include "fuzz/fuzz_support.hpp"
#include "property/reference_session.hpp"

namespace {

using namespace postable;
using postable::fuzz::demand;
using postable::testing::ReferenceSession;

// The commands that lead to each state a command can come in: READY, HELLO, MAIL, RCPT.
const std::array<std::vector<std::string>, 4> ways_in{{
    {},
    {"HELO h"},
    {"HELO h", "MAIL FROM: a@b"},
    {"HELO h", "MAIL FROM: a@b", "RCPT TO: c@d"},
}};

std::string session_answer(const std::vector<std::string>& way_in, std::string_view line,
                           bool strict) {
  SessionConfig config;
  config.strict = strict;
  config.recipients_max = ReferenceSession::Config{}.recipients_max;
  config.message_bytes_max = ReferenceSession::Config{}.message_bytes_max;
  Session session(config, Instant{});
  for (const std::string& command : way_in) session.feed(command + "\r\n", Instant{});
  session.clear_output();  // the greeting and the replies on the way in
  session.feed(std::string(line) + "\r\n", Instant{});
  return session.output();
}

std::string reference_answer(const std::vector<std::string>& way_in, std::string_view line,
                             bool strict) {
  ReferenceSession::Config config;
  config.strict = strict;
  ReferenceSession reference(config);
  for (const std::string& command : way_in) reference.command(command);
  return reference.command(line);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  // One line: no line ends inside it, and shorter than the line limit (whose 500 the
  // reference does not read).
  if (line.find_first_of("\r\n") != std::string_view::npos || line.size() > 900) return 0;
  for (bool strict : {false, true}) {
    for (const std::vector<std::string>& way_in : ways_in) {
      demand(session_answer(way_in, line, strict) == reference_answer(way_in, line, strict),
             "the session answers a command line as the reference does");
    }
  }
  return 0;
}
