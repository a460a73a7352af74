// Generators of what a client may send: good and bad commands, message bodies with dots,
// bare LFs and CRs, over-long lines and random bytes, glued into one stream.
#pragma once

#include <rapidcheck.h>

#include <string>

namespace postable::testing {

inline rc::Gen<std::string> gen_client_piece() {
  return rc::gen::weightedOneOf<std::string>({
      {12, rc::gen::element<std::string>(
               "HELO a\r\n", "helo\r\n", "EHLO b c\r\n", "MAIL FROM: x@y\r\n", "MAIL FROM: b d\r\n",
               "mail from :<q@r>\r\n", "RCPT TO: z@w\r\n", "RCPT TO:\r\n", "rcpt to: u@v\r\n",
               "DATA\r\n", "DATA x\r\n", ".\r\n", "..dot\r\n", "body line\r\n", "bare\n", ".\n",
               "NOOP\r\n", "RSET\r\n", "QUIT\r\n", "\r\n", "mkdir\r\n", "\r", "\n", ".",
               "0123456789012345678901234567890123456789\r\n")},
      {2, rc::gen::map(rc::gen::inRange<std::size_t>(990, 1010),
                       [](std::size_t n) { return "NOOP " + std::string(n, 'x') + "\r\n"; })},
      {1, rc::gen::container<std::string>(rc::gen::inRange<char>(0, 127))},
  });
}

// A whole transaction, with a body made of pieces, so that deliveries really happen.
inline rc::Gen<std::string> gen_transaction() {
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(gen_client_piece()),
                      [](const std::vector<std::string>& body) {
                        std::string out = "MAIL FROM: a@b\r\nRCPT TO: c@d\r\nDATA\r\n";
                        for (const std::string& piece : body) out += piece;
                        return out + "\r\n.\r\n";
                      });
}

// A session that usually says HELO, then transactions and loose pieces in any order.
inline rc::Gen<std::string> gen_client_stream() {
  return rc::gen::map(rc::gen::pair(rc::gen::weightedElement<bool>({{4, true}, {1, false}}),
                                    rc::gen::container<std::vector<std::string>>(
                                        rc::gen::weightedOneOf<std::string>(
                                            {{1, gen_transaction()}, {3, gen_client_piece()}}))),
                      [](const std::pair<bool, std::vector<std::string>>& drawn) {
                        std::string stream = drawn.first ? "HELO h\r\n" : std::string();
                        for (const std::string& piece : drawn.second) stream += piece;
                        return stream;
                      });
}

}  // namespace postable::testing
