#include "core/body_quoting.hpp"

namespace postable {

namespace {

constexpr std::string_view marker = "Received: ";

// The number of `>` that start the line at `at` when `Received: ` follows them, else -1.
long quote_depth(std::string_view text, std::size_t at) {
  std::size_t depth = 0;
  while (at + depth < text.size() && text[at + depth] == '>') ++depth;
  return text.substr(at + depth).starts_with(marker) ? long(depth) : -1;
}

// Calls `line(start)` for the start of every line of `text`.
template <typename Line>
void for_each_line_start(std::string_view text, Line line) {
  for (std::size_t at = 0; at < text.size();) {
    line(at);
    const std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
}

}  // namespace

// One quoting algorithm: the piecewise quoter over the whole body; its fast path, a body in
// which no line could need a `>`, is the body itself.
std::string_view stored_body(std::string_view body, std::string& scratch) {
  if (body.find(marker) == std::string_view::npos) return body;  // the common case
  scratch.clear();
  BodyQuoter quoter;
  quoter.feed(body, scratch);
  quoter.finish(scratch);
  return scratch;
}

void append_unquoted(std::string& out, std::string_view stored) {
  if (stored.find(">Received: ") == std::string_view::npos) {  // the common case
    out.append(stored);
    return;
  }
  std::size_t copied = 0;
  for_each_line_start(stored, [&](std::size_t at) {
    if (quote_depth(stored, at) < 1) return;
    out.append(stored.substr(copied, at - copied));
    copied = at + 1;  // the one `>` the store added
  });
  out.append(stored.substr(copied));
}

void BodyQuoter::feed(std::string_view piece, std::string& out) {
  while (!piece.empty()) {
    if (!at_line_start_) {  // the rest of a line goes out as it is
      const std::size_t end = piece.find('\n');
      const std::size_t take = end == std::string_view::npos ? piece.size() : end + 1;
      out.append(piece.substr(0, take));
      piece.remove_prefix(take);
      at_line_start_ = end != std::string_view::npos;
      continue;
    }
    const char c = piece.front();
    if (matched_ == 0 && c == '>') {
      out += '>';
    } else if (c == marker[matched_]) {
      if (++matched_ == marker.size()) {
        out.append(1, '>').append(marker);
        matched_ = 0;
        at_line_start_ = false;
      }
    } else {  // not a record's first line: what was held back goes out, and `c` is the rest's
      out.append(marker.substr(0, matched_));
      matched_ = 0;
      at_line_start_ = false;
      continue;
    }
    piece.remove_prefix(1);
  }
}

void BodyQuoter::finish(std::string& out) {
  out.append(marker.substr(0, matched_));
  matched_ = 0;
  at_line_start_ = true;
}

}  // namespace postable
