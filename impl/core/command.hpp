// Classifies one command line: which input of the model it is, and how its syntax and
// argument check out. It computes facts only; what they lead to is the table's business.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/table.hpp"
#include "model/smtp_table.hpp"

namespace postable {

struct Command {
  model::Input input = model::Input::unknown;  // a verb, or the event `unknown`
  Outcome outcome = Outcome::ok;  // ok, syntax or badarg (limits are the session's to check)
  std::string_view arg;           // the host or address, trimmed; empty when there is none
};

// `strict` hides the extension verbs: they classify as unknown.
Command classify(std::string_view line, bool strict);

}  // namespace postable
