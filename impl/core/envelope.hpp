// A message ready to be stored: who sent it, to whom, through which HELO, and its body.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace postable {

struct Envelope {
  std::string helo;
  std::string sender;
  std::vector<std::string> recipients;
  std::string body;  // dot-unstuffed lines, each ending in LF (a CRLF ending becomes LF)
  // How many bytes of the body came before `body` and were kept elsewhere (the server's
  // spool, see Session::body_to_spill()); 0 when `body` is all of it.
  std::uint64_t body_offset = 0;

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

// Where a delivered body's front is, given how many body bytes a spool holds: all of the body
// is in memory (none was spilled), the spool holds exactly the bytes before `body`, or it
// holds something else (a piece went missing: the message cannot be stored). Asked by smtpd's
// spool and by the simulator's alike.
enum class BodyFront : std::uint8_t { in_memory, in_spool, missing };
inline BodyFront body_front(const Envelope& envelope, std::uint64_t spooled_bytes) {
  if (envelope.body_offset == 0) return BodyFront::in_memory;
  return envelope.body_offset == spooled_bytes ? BodyFront::in_spool : BodyFront::missing;
}

}  // namespace postable
