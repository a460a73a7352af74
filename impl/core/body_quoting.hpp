// Body lines that could be taken for a record's first line are quoted, mboxrd-style: a line
// that begins with zero or more `>` and then `Received: ` is stored with one more `>` in
// front, and read back with one less. So no body can forge a record, and a body without such
// lines is stored byte for byte.
#pragma once

#include <string>
#include <string_view>

namespace postable {

// The body as the record stores it: `body` itself when no line needs quoting, else the quoted
// copy, made in `scratch`.
std::string_view stored_body(std::string_view body, std::string& scratch);

// Appends a stored body to `out` as it was sent: one `>` less before each `>...Received: `.
void append_unquoted(std::string& out, std::string_view stored);

}  // namespace postable
