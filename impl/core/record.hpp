// A delivered message as it stands in the mailbox file (LF line ends):
//   Received: from {helo} by {name} (CS4410MP3)
//   Number: {n}
//   From: {sender}
//   To: {recipient}        one line per RCPT, in order
//   <empty line>
//   {body lines}           a line `>*Received: ` gets one more `>` (core/body_quoting.hpp)
//   <empty line>
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"

namespace postable {

// A record is its head (the Received: .. To: lines and the empty line), the body as
// stored_body() gives it, and the closing empty line: a store can write a body that needs no
// quoting from where it lies, without a copy.
std::string format_record_head(const Envelope& envelope, std::uint64_t number,
                               std::string_view server_name);
inline constexpr std::string_view record_end = "\n";

void append_record(std::string& out, const Envelope& envelope, std::uint64_t number,
                   std::string_view server_name);
std::string format_record(const Envelope& envelope, std::uint64_t number,
                          std::string_view server_name);

// A record read back from a mailbox file.
struct ParsedRecord {
  std::uint64_t number = 0;
  std::string server_name;
  Envelope envelope;
  friend bool operator==(const ParsedRecord&, const ParsedRecord&) = default;
};

struct ParsedRecords {
  std::vector<ParsedRecord> records;  // in file order, up to the first problem
  std::vector<std::size_t> starts;    // the byte where each of them begins
  std::string problem;                // empty when the whole text is records
  std::size_t whole_bytes = 0;        // how much of the text those records are
};

// The one reader of the record format: everything that reads a mailbox file (multiclient
// --verify, the tests' mailbox-folder rule, the simulator's oracle) reads it here. A record
// starts at a `Received:` line followed by a `Number:` line; its body runs to the empty line
// before the next such pair, or before the end of the text.
ParsedRecords parse_records(std::string_view text);
// The same into `out`, whose storage is reused: a reader of many records allocates once.
void parse_records(std::string_view text, ParsedRecords& out);

// Whether `text` is what a record cut short may leave: a prefix of some record's head (each
// line of it whole and well formed, the last perhaps cut), then perhaps a part of a body (no
// line of which begins as a record's first line does: a body's such lines are quoted).
// Recovery tells a torn append (cut off) from bytes that are not ours (refused) by it.
bool could_begin_record(std::string_view text);

// Whether the line that starts `text` begins as a record's first line does (no body line
// does: such lines are quoted).
bool begins_record_line(std::string_view text);
// Whether `last_line` (no LF ends it) may be that beginning cut short by a crash.
bool may_be_cut_record_line(std::string_view last_line);

}  // namespace postable
