// The forward path of a valid session, read from the generated table rather than written
// out again: from each state that waits for a command, the verbs whose rows accept them and
// move the session on. Every client script (the simulator's, multiclient's) picks its next
// verb here, so a verb or state added to the model reaches them without a line of C++.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/rng.hpp"
#include "model/smtp_table.hpp"

namespace postable::peer {

struct ForwardStep {
  // Accepted with a 2xx/3xx reply and lead to another state, in declaration order (the core
  // verb first: HELO before EHLO).
  std::vector<model::Verb> advance;
  std::optional<model::Verb> repeat;  // accepted, and the state stays (RCPT after RCPT)
  std::optional<model::Verb> quit;    // closes the session politely (QUIT)
  bool at_rest = false;               // no transaction open: where a stored message leads back to
};

// The step from `state`; empty (no verbs) for a state that does not read commands.
const ForwardStep& forward_step(model::State state);
// The state the greeting leads to: where a session reads its first command.
model::State greeted_state();

// A client's way through the forward path: how many messages it sends, and how often it takes
// the second choice where the table offers one. A chance of 0 draws nothing from the generator.
struct ScriptStyle {
  double repeat_chance = 0.3;       // another recipient, where one may follow
  double alternative_chance = 0.0;  // EHLO rather than HELO
};

struct ScriptedVerb {
  model::Verb verb;
  bool again = false;  // the verb repeats the last step (a further recipient)
};

class ForwardScript {
 public:
  ForwardScript(std::uint64_t messages, ScriptStyle style)
      : messages_left_(messages), style_(style) {}
  // The next verb of a valid session from `state` (a state that reads commands).
  ScriptedVerb next(model::State state, Rng& rng);
  std::uint64_t messages_left() const { return messages_left_; }

 private:
  std::uint64_t messages_left_;
  ScriptStyle style_;
};

}  // namespace postable::peer
