// A message ready to be stored: who sent it, to whom, through which HELO, and its body.
#pragma once

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

}  // namespace postable
