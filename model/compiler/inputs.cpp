#include "model/compiler/inputs.hpp"

namespace postable::modelc {

std::size_t input_count(const Model& model) {
  return model.verbs.size() + event_names.size();
}

// Events keep the numbers the vocabulary gives them; verbs follow, in declaration order, so
// that adding a verb moves no input's number.
bool input_is_verb(const Model&, std::size_t input) {
  return input >= event_names.size();
}

const VerbDecl& input_verb(const Model& model, std::size_t input) {
  return model.verbs[input - event_names.size()];
}

std::size_t verb_input(std::size_t verb) {
  return event_names.size() + verb;
}

Event input_event(const Model&, std::size_t input) {
  return static_cast<Event>(input);
}

std::string input_name(const Model& model, std::size_t input) {
  if (input_is_verb(model, input)) return input_verb(model, input).name;
  return std::string(enum_name(event_names, input_event(model, input)));
}

bool in_domain(const Model& model, Mode mode, std::size_t input, Outcome outcome) {
  if (input_is_verb(model, input)) {
    return mode == Mode::command && arg_class_has_outcome(input_verb(model, input).arg, outcome);
  }
  const Event event = input_event(model, input);
  return event_in_mode(event, mode) && event_has_outcome(event, outcome);
}

}  // namespace postable::modelc
