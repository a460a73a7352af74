#include "peer/forward_path.hpp"

#include <array>

#include "core/assert.hpp"
#include "core/table.hpp"

namespace postable::peer {

namespace {

// The state the first row for `input` (with outcome ok) leads to; the compiler proved the
// model has one.
model::State next_after(model::Input input) {
  for (const model::Row& row : model::rows) {
    if (row.input == input && row.outcome == Outcome::ok) return row.next;
  }
  POSTABLE_ASSERT(false);
  return model::initial_state;
}

// The state a stored message leads back to: a session there has no transaction open.
model::State rest_state() {
  return next_after(model::input_of(Event::delivery));
}

ForwardStep step_from(model::State state) {
  ForwardStep step;
  step.at_rest = state == rest_state();
  for (std::size_t v = 0; v < model::verb_count; ++v) {
    const auto verb = model::Verb(v);
    const model::Row* row = find_row(state, model::input_of(verb), Outcome::ok);
    if (row == nullptr || !row->accepts) continue;
    if (row->action == Action::close) {
      if (!step.quit) step.quit = verb;
    } else if (model::verbs[v].step == Step::forward) {
      if (row->next != state)
        step.advance.push_back(verb);
      else if (!step.repeat)
        step.repeat = verb;
    }
  }
  return step;
}

std::array<ForwardStep, model::state_count> all_steps() {
  std::array<ForwardStep, model::state_count> steps;
  for (std::size_t s = 0; s < model::state_count; ++s) steps[s] = step_from(model::State(s));
  return steps;
}

}  // namespace

model::State greeted_state() {
  static const model::State greeted = next_after(model::input_of(Event::greet));
  return greeted;
}

const ForwardStep& forward_step(model::State state) {
  static const std::array<ForwardStep, model::state_count> steps = all_steps();
  return steps[std::size_t(state)];
}

ScriptedVerb ForwardScript::next(model::State state, Rng& rng) {
  const ForwardStep& step = forward_step(state);
  POSTABLE_ASSERT(!step.advance.empty() || step.quit);
  if (step.at_rest && messages_left_ == 0 && step.quit) return {*step.quit};
  if (step.repeat && style_.repeat_chance > 0 && rng.chance(style_.repeat_chance)) {
    return {*step.repeat, true};
  }
  if (step.at_rest) {
    POSTABLE_ASSERT(messages_left_ > 0);  // else the state offers no polite close
    --messages_left_;
  }
  if (step.advance.size() > 1 && style_.alternative_chance > 0 &&
      rng.chance(style_.alternative_chance)) {
    return {step.advance[1 + rng.below(step.advance.size() - 1)]};
  }
  return {step.advance.front()};
}

}  // namespace postable::peer
