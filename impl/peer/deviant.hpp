// Deviant client lines: one from every error the protocol answers (bad syntax, bad argument,
// out of order, unknown, empty, too long), for scripts that stray on purpose. What the server
// must answer to each is the mirror's business, not this list's.
#pragma once

#include <string>

#include "core/rng.hpp"

namespace postable::peer {

// Appends one deviant line, CRLF included.
void append_deviant_line(std::string& out, Rng& rng);

// Appends one RCPT more than the model's recipient limit allows, in one burst.
void append_recipient_burst(std::string& out);

}  // namespace postable::peer
