#include "peer/deviant.hpp"

#include <iterator>

#include "model/smtp_table.hpp"

namespace postable::peer {

void append_deviant_line(std::string& out, Rng& rng) {
  static const char* const lines[] = {"HELO\r\n",
                                      "HELO two hosts\r\n",
                                      "EHLO again\r\n",
                                      "MAIL\r\n",
                                      "MAIL FROM: a b\r\n",
                                      "RCPT TO:\r\n",
                                      "RCPT TO: a\x01z\r\n",
                                      "DATA now\r\n",
                                      "DATA\r\n",
                                      "NOOP\r\n",
                                      "RSET\r\n",
                                      "RSET all\r\n",
                                      "QUIT now\r\n",
                                      "mkdir\r\n",
                                      "\r\n",
                                      "MAIL FROM: x@y\r\n",
                                      "RCPT TO: x@y\r\n",
                                      "HELO again\r\n"};
  if (rng.chance(0.02)) {  // over the command line limit
    out.append("NOOP ").append(model::line_bytes_max + 200, 'x').append("\r\n");
    return;
  }
  out.append(lines[rng.below(std::size(lines))]);
}

void append_recipient_burst(std::string& out) {
  for (std::size_t i = 0; i <= model::recipients_max; ++i) out += "RCPT TO: r@h\r\n";
}

}  // namespace postable::peer
