#include "core/framer.hpp"

#include <cstring>

#include "core/assert.hpp"

namespace postable {

namespace {
constexpr std::size_t end_marker_bytes = 3;  // `.` CR LF

// Frees a string's memory (assigning an empty string may keep the old buffer).
void release(std::string& text) {
  std::string().swap(text);
}
}  // namespace

Framer::Framer(std::size_t line_bytes_max, std::uint64_t message_bytes_max)
    : line_bytes_max_(line_bytes_max), message_bytes_max_(message_bytes_max) {
  POSTABLE_ASSERT(line_bytes_max_ >= 2);
}

Framer::Piece Framer::next(std::string_view& input) {
  if (line_done_) {
    line_.clear();
    line_done_ = false;
  }
  return in_data_ ? next_data(input) : next_command(input);
}

Framer::Piece Framer::next_command(std::string_view& input) {
  const void* found = std::memchr(input.data(), '\n', input.size());
  const std::size_t take =
      found ? std::size_t(static_cast<const char*>(found) - input.data()) + 1 : input.size();
  std::string_view chunk = input.substr(0, take);
  input.remove_prefix(take);
  line_bytes_ += chunk.size();
  if (found) chunk.remove_suffix(1);  // the LF is not kept
  // The bytes before the LF may be at most line_bytes_max - 1; past that the line is dropped.
  if (!overflow_ && line_.size() + chunk.size() < line_bytes_max_) {
    line_.append(chunk);
  } else {
    overflow_ = true;
    line_.clear();
  }
  POSTABLE_ASSERT(line_.size() < line_bytes_max_);
  if (!found) return {};
  Piece piece;
  if (overflow_) {
    POSTABLE_ASSERT(line_bytes_ > line_bytes_max_);
    piece.kind = Kind::too_long;
  } else {
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    piece.kind = Kind::line;
    piece.line = line_;
  }
  line_bytes_ = 0;
  overflow_ = false;
  line_done_ = true;
  return piece;
}

void Framer::start_data() {
  POSTABLE_ASSERT(!in_data_);
  in_data_ = true;
  at_line_start_ = true;
  start_may_end_ = true;
  line_start_ = LineStart::fresh;
  pending_cr_ = false;
  message_bytes_ = 0;
  too_big_ = false;
  handed_out_ = 0;
  body_.clear();
}

void Framer::body_handed_out() {
  POSTABLE_ASSERT(in_data_);
  handed_out_ += body_.size();
  body_.clear();
}

std::string Framer::take_body() {
  std::string body = std::move(body_);
  release(body_);
  return body;
}

// A large storage is let go: a session keeps no more than a modest message's worth.
void Framer::reuse_body_storage(std::string storage) {
  if (in_data_ || storage.capacity() > reused_body_bytes_max) return;
  storage.clear();
  body_ = std::move(storage);
}

Framer::Piece Framer::next_data(std::string_view& input) {
  Piece piece;
  while (!input.empty()) {
    if (at_line_start_) {
      if (data_line_start(input, piece)) return piece;
    } else {
      data_mid_line(input);
    }
  }
  return piece;
}

void Framer::consume(std::string_view& input, std::size_t count) {
  message_bytes_ += count;
  input.remove_prefix(count);
}

void Framer::new_data_line(bool ended_in_crlf) {
  at_line_start_ = true;
  start_may_end_ = ended_in_crlf;
  line_start_ = LineStart::fresh;
  pending_cr_ = false;
}

// Scans the first bytes of a data line for the end marker and for a dot to unstuff.
// Returns true, with `piece` set, when the message ended.
bool Framer::data_line_start(std::string_view& input, Piece& piece) {
  while (!input.empty() && at_line_start_) {
    const char c = input.front();
    switch (line_start_) {
      case LineStart::fresh:
        if (c != '.') {
          at_line_start_ = false;  // an ordinary line: the mid-line scanner takes this byte
          return false;
        }
        consume(input, 1);
        line_start_ = LineStart::dot;
        break;
      case LineStart::dot:
        if (c == '\r') {
          consume(input, 1);
          line_start_ = LineStart::dot_cr;
        } else if (c == '\n') {  // `.` LF: a lone dot through a bare LF is data
          consume(input, 1);
          append_body(".\n");
          new_data_line(false);
        } else {  // a dot followed by more: the dot is removed
          at_line_start_ = false;
          line_start_ = LineStart::fresh;
        }
        break;
      case LineStart::dot_cr:
        if (c == '\n') {
          consume(input, 1);
          if (start_may_end_) {
            piece = end_of_message();
            return true;
          }
          append_body(".\n");  // reached through a bare LF: data, kept as it was
          new_data_line(true);
        } else {  // `.` CR then more: unstuff the dot, the CR is data
          at_line_start_ = false;
          line_start_ = LineStart::fresh;
          pending_cr_ = true;
        }
        break;
    }
  }
  return false;
}

void Framer::data_mid_line(std::string_view& input) {
  if (pending_cr_) {
    pending_cr_ = false;
    if (input.front() == '\n') {
      consume(input, 1);
      append_body("\n");
      new_data_line(true);
      return;
    }
    append_body("\r");
  }
  const void* found = std::memchr(input.data(), '\n', input.size());
  if (!found) {
    std::string_view chunk = input;
    consume(input, input.size());
    if (chunk.back() == '\r') {  // is it the CR of a CRLF? The next fragment tells.
      pending_cr_ = true;
      chunk.remove_suffix(1);
    }
    append_body(chunk);
    return;
  }
  const std::size_t lf = std::size_t(static_cast<const char*>(found) - input.data());
  std::string_view chunk = input.substr(0, lf);
  consume(input, lf + 1);
  const bool crlf = !chunk.empty() && chunk.back() == '\r';
  if (crlf) chunk.remove_suffix(1);
  append_body(chunk);
  append_body("\n");
  new_data_line(crlf);
}

void Framer::append_body(std::string_view bytes) {
  if (too_big_) return;
  // Up to two counted bytes may still turn out to be the end marker's `.` CR.
  if (message_bytes_ > message_bytes_max_ + end_marker_bytes - 1) {
    too_big_ = true;
    release(body_);
    return;
  }
  body_.append(bytes);
}

Framer::Piece Framer::end_of_message() {
  POSTABLE_ASSERT(message_bytes_ >= end_marker_bytes);
  message_bytes_ -= end_marker_bytes;
  in_data_ = false;
  Piece piece;
  piece.kind = Kind::data_end;
  piece.too_big = too_big_ || message_bytes_ > message_bytes_max_;
  if (piece.too_big) release(body_);
  return piece;
}

}  // namespace postable
