// Protocol transcripts are markdown documents (tests/transcripts/*.md). Each `## ` section
// is one case: prose that says why it exists, then a fenced ```smtp block of steps:
//   S: text      a reply the server must send (CRLF added)
//   C: text      a line the client sends (CRLF added); \r \n \t \\ \xHH escapes
//   R: text      raw client bytes, escapes only, nothing added
//   C3: / S3:    the same line three times
//   T: +10s      the clock moves on (ms, s); a due timeout fires
//   E:           the client closes its side
//   N:           a new connection (the mailbox and its numbering go on)
//   F:           the next delivery fails in the store
//   X: open | closed   the state of the connection now
//   config: name=NAME | strict | max-size=BYTES | recipients-max=N | timeout=SECONDS
// and optionally a ```mailbox block: the exact bytes the mailbox must hold at the end.
#pragma once

#include <string>
#include <vector>

#include "core/session.hpp"

namespace postable::testing {

struct Step {
  char kind;  // C (client bytes), T, E, N, F, X, Z (shutdown), D (drain over)
  std::string bytes;
  Duration advance{};
  bool expect_closed = false;
};

struct TranscriptCase {
  std::string file;
  std::string title;
  int line = 0;
  SessionConfig config;
  std::vector<Step> steps;
  std::string expected_replies;
  bool has_mailbox = false;
  std::string expected_mailbox;
};

std::vector<TranscriptCase> parse_transcripts(const std::string& path);

struct TranscriptResult {
  std::string replies;
  std::string mailbox;
  std::string failure;  // empty when every X: check held
};

// Replays a case, feeding each run of client bytes in chunks of at most `chunk_bytes`.
TranscriptResult replay(const TranscriptCase& c, std::size_t chunk_bytes);

std::string unescape(std::string_view text);
std::string printable(std::string_view bytes);  // for failure messages

}  // namespace postable::testing
