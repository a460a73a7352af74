// Body lines that could be taken for a record's first line are quoted, mboxrd-style: a line
// that begins with zero or more `>` and then `Received: ` is stored with one more `>` in
// front, and read back with one less. So no body can forge a record, and a body without such
// lines is stored byte for byte.
#pragma once

#include <string>
#include <string_view>

namespace postable {

// The body as the record stores it: `body` itself when no line can need quoting, else the
// copy BodyQuoter makes, in `scratch`.
std::string_view stored_body(std::string_view body, std::string& scratch);

// Appends a stored body to `out` as it was sent: one `>` less before each `>...Received: `.
void append_unquoted(std::string& out, std::string_view stored);

// The same quoting for a body that comes in pieces (one too long to hold, written out as it
// arrives): each piece's stored form is appended to `out` as soon as it is known. The `>`
// that quoting adds may stand anywhere among a line's leading `>`, so those go out at once;
// only a partly matched `Received: ` is held back, so the quoter's memory is constant however
// long a line is. stored_body() is this quoter over the whole body.
class BodyQuoter {
 public:
  void feed(std::string_view piece, std::string& out);
  void finish(std::string& out);  // the end of the body: what is held back goes out as it is

 private:
  bool at_line_start_ = true;  // only `>` seen since the line began (or nothing)
  std::size_t matched_ = 0;    // how much of `Received: ` follows them so far
};

}  // namespace postable
