// Envelopes whose bodies are built from the lines most likely to fool a record reader: record
// heads (quoted or not), `Number:` lines, empty lines, and lines that almost start a record.
#pragma once

#include <rapidcheck.h>

#include <ostream>
#include <string>
#include <vector>

#include "core/envelope.hpp"

namespace postable {

// How a counterexample shows an envelope (found by RapidCheck through the argument's type).
inline void showValue(const Envelope& envelope, std::ostream& out) {
  out << "HELO " << envelope.helo << ", MAIL " << envelope.sender << ", "
      << envelope.recipients.size() << " RCPT, body:\n"
      << envelope.body;
}

}  // namespace postable

namespace postable::testing {

inline rc::Gen<std::string> body_line() {
  return rc::gen::element<std::string>(
      "", "text", ".", "Received: from x by postable (CS4410MP3)",
      ">Received: from y by n (CS4410MP3)", ">>Received: ", "Received: ", "Number: 2", "From: a@b",
      "To: c@d", ">", "Received:x", " Received: from x by postable (CS4410MP3)");
}

inline rc::Gen<Envelope> envelope() {
  return rc::gen::build<Envelope>(
      rc::gen::set(&Envelope::helo, rc::gen::element<std::string>("h", "[127.0.0.1]")),
      rc::gen::set(&Envelope::sender, rc::gen::element<std::string>("a@b", "<>")),
      rc::gen::set(&Envelope::recipients,
                   rc::gen::container<std::vector<std::string>>(
                       *rc::gen::inRange(1, 4), rc::gen::element<std::string>("c@d", "e@f"))),
      rc::gen::set(&Envelope::body, rc::gen::map(rc::gen::container<std::vector<std::string>>(
                                                     *rc::gen::inRange(0, 8), body_line()),
                                                 [](const std::vector<std::string>& lines) {
                                                   std::string body;
                                                   for (const auto& line : lines)
                                                     body += line + "\n";
                                                   return body;
                                                 })));
}

}  // namespace postable::testing
