// The trace of a real run, as a pure format (`smtpd --trace FILE`): what the server
// observably did, for the checker (smtpsim check) to judge with the simulator's oracle. Only
// the encoding and its reading live here; the writer's threads and the checker are elsewhere.
//
//   file   := magic (16 bytes) version (u32) header_bytes (u32) header (text, padded to 8)
//             event...
//   event  := time_ns (u64) connection (u32) kind (u8) flags (u8) c (u16)       16 bytes
//             then the kind's values: none, `a`, or `a` and `b` (u64 each);
//             a `bytes_read` is followed by its `a` bytes.
// Little-endian throughout; nothing is aligned (the reader reads bytes). A trace cut anywhere
// (a server killed with -9) reads as its whole events and says it was cut; bytes no writer
// makes are named by their offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postable::trace {

inline constexpr std::string_view magic{"POSTABLE TRACE\n\0", 16};
inline constexpr std::uint32_t format_version = 1;
inline constexpr std::size_t event_head_bytes = 16;
// The most bytes one `bytes_read` event carries: a worker's read buffer is smaller.
inline constexpr std::uint64_t bytes_read_max = 1 << 20;

enum class Kind : std::uint8_t {
  accept = 1,         // a connection accepted; a: the idle workers at that moment
  bytes_read = 2,     // a: how many; the bytes follow
  row_fired = 3,      // c: the table's row that fired (its reply, if any, goes out after it)
  record_appended,    // a: its number; b: where it ends in mailbox
  sync_begun,         // a: the bytes of mailbox it covers
  sync_ended,         // a: the bytes it covered; flags: ok
  move_begun,         // a: the range's first number; b: its last
  move_ended,         // a, b: the range; flags: ok
  folder_synced,      // flags: ok
  stop_signal,        // the stop reached the pool (the 421s it brings are rows)
  stop_told,          // a session was told of the stop (between messages, its 421 is a row)
  drain_over,         // the drain's time was up
  connection_closed,  // the connection is closed; c: the worker that served it
  flushed,            // the sink began writing its buffers out: every event stamped before
                      // this one's time is in the file before the next `flushed`
  server_stopped,     // the server stopped whole: every session closed, the due backup made
};
inline constexpr std::uint8_t kinds = std::uint8_t(Kind::server_stopped) + 1;
inline constexpr std::uint8_t ok_flag = 1;

// How many values (`a`, then `b`) events of `kind` carry after their head: 0, 1 or 2.
int values_of(Kind kind);

struct Event {
  std::uint64_t time_ns = 0;  // since the server started, on its monotonic clock
  Kind kind = Kind::accept;
  std::uint32_t connection = 0;  // 0: the server's, not a connection's
  std::uint8_t flags = 0;
  std::uint16_t c = 0;
  std::uint64_t a = 0, b = 0;
  std::string_view bytes;  // what a `bytes_read` carries (a view into the trace or the caller)
  friend bool operator==(const Event&, const Event&) = default;
};

// The file's start: the magic, the version and `header` (the flags the server ran with, what
// recovery found: key=value lines of text).
std::string encode_header(std::string_view header);
// Appends `event` to `out` (its `a` is the byte count for `bytes_read`, which must match).
void append_event(std::string& out, const Event& event);

// Why a trace cannot be read on: where, and what is there.
struct Problem {
  std::uint64_t offset = 0;
  std::string reason;
};

// Reads a trace in place, one event at a time: its memory is the view's, whatever its length.
class Reader {
 public:
  explicit Reader(std::string_view trace);
  // The header's text, or nullopt when the start is not a trace of this version (problem()).
  const std::optional<std::string_view>& header() const { return header_; }
  // The next whole event, or nullopt at the end: the trace's end, where it was cut (cut()),
  // or bytes no writer makes (problem()).
  std::optional<Event> next();
  bool cut() const { return cut_; }
  const std::optional<Problem>& problem() const { return problem_; }
  std::uint64_t offset() const { return at_; }  // where the next event starts

 private:
  bool fail(std::uint64_t offset, std::string reason);
  std::string_view trace_;
  std::uint64_t at_ = 0;
  std::optional<std::string_view> header_;
  std::optional<Problem> problem_;
  bool cut_ = false;
};

}  // namespace postable::trace
