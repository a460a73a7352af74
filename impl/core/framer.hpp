// The framer turns bytes, in whatever fragments they arrive, into pieces of the protocol:
// command lines, over-long lines, and the end of a message (its body kept apart).
//
// Command mode: lines end at LF and one CR before the LF is dropped. A line longer than
// line_bytes_max (its terminator included) is discarded as it arrives and reported once,
// at its LF, as too_long; the buffer never holds more than line_bytes_max bytes.
//
// Data mode (after start_data()): the message ends at CR LF . CR LF only (a `.` line
// reached through or ended by a bare LF is data). A leading dot followed by more bytes is
// removed. The body is kept as lines ending in LF; once the message is certainly over
// message_bytes_max it is discarded and only counted, so memory stays bounded. A caller that
// keeps a long body elsewhere (the server's spool) takes what is held in pieces as it comes
// (held_body(), then body_handed_out()); take_body() then gives the rest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace postable {

class Framer {
 public:
  enum class Kind { need_more, line, too_long, data_end };
  struct Piece {
    Kind kind = Kind::need_more;
    std::string_view line;  // Kind::line: the line without its terminator; valid until next()
    bool too_big = false;   // Kind::data_end: the message was over message_bytes_max
  };

  Framer(std::size_t line_bytes_max, std::uint64_t message_bytes_max);

  // Consumes bytes from the front of `input` until one piece is complete or `input` is
  // empty (then need_more). After data_end the framer is back in command mode.
  Piece next(std::string_view& input);

  void start_data();
  // The body received and not yet handed out (empty once the message is over the limit).
  std::string_view held_body() const { return body_; }
  // The caller took held_body(): it is no longer kept (its storage is, for what follows).
  void body_handed_out();
  // How many body bytes of this message were handed out: take_body() is what follows them.
  std::uint64_t body_bytes_handed_out() const { return handed_out_; }
  std::string take_body();
  // Takes back the storage of a body handed out by take_body(), so that the next message is
  // read into it instead of a string grown afresh. Kept only up to reused_body_bytes_max.
  void reuse_body_storage(std::string storage);
  static constexpr std::size_t reused_body_bytes_max = 256 * 1024;

  bool in_data() const { return in_data_; }
  std::uint64_t message_bytes() const { return message_bytes_; }
  // Bytes held for the line or message in progress (what a client can make us keep).
  std::size_t buffered_bytes() const { return line_.capacity() + body_.capacity(); }

 private:
  Piece next_command(std::string_view& input);
  Piece next_data(std::string_view& input);
  bool data_line_start(std::string_view& input, Piece& piece);
  void data_mid_line(std::string_view& input);
  void append_body(std::string_view bytes);
  void consume(std::string_view& input, std::size_t count);
  void new_data_line(bool ended_in_crlf);
  Piece end_of_message();

  // Where the data-mode scanner stands at the start of a line: nothing seen, a `.`, `.` CR.
  enum class LineStart { fresh, dot, dot_cr };

  std::size_t line_bytes_max_;
  std::uint64_t message_bytes_max_;
  std::string line_;
  std::size_t line_bytes_ = 0;  // bytes of the current command line so far
  bool overflow_ = false;
  bool line_done_ = false;  // the last piece handed out line_; clear it on the next call

  bool in_data_ = false;
  bool at_line_start_ = true;
  bool start_may_end_ = true;  // the previous data line ended in CRLF (or there was none)
  LineStart line_start_ = LineStart::fresh;
  bool pending_cr_ = false;  // a CR ended the last fragment mid-line; is an LF next?
  std::uint64_t message_bytes_ = 0;
  bool too_big_ = false;
  std::uint64_t handed_out_ = 0;
  std::string body_;
};

}  // namespace postable
