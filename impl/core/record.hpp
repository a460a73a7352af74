// A delivered message as it stands in the mailbox file (LF line ends):
//   Received: from {helo} by {name} (CS4410MP3)
//   Number: {n}
//   From: {sender}
//   To: {recipient}        one line per RCPT, in order
//   <empty line>
//   {body lines}
//   <empty line>
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "envelope.hpp"

namespace postable {

// A record is its head (the Received: .. To: lines and the empty line), the body, and the
// closing empty line: a store can write the body from where it lies, without a copy.
std::string format_record_head(const Envelope& envelope, std::uint64_t number,
                               std::string_view server_name);
inline constexpr std::string_view record_end = "\n";

void append_record(std::string& out, const Envelope& envelope, std::uint64_t number,
                   std::string_view server_name);
std::string format_record(const Envelope& envelope, std::uint64_t number,
                          std::string_view server_name);

}  // namespace postable
