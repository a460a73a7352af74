// The model's inputs by number: the events first, numbered as the vocabulary numbers them,
// then the verbs in declaration order, so that adding a verb moves no input's number. The
// emitter writes these numbers into the table as explicit ids.
#pragma once

#include <cstddef>
#include <string>

#include "model/compiler/model.hpp"

namespace postable::modelc {

std::size_t input_count(const Model& model);
std::string input_name(const Model& model, std::size_t input);
bool input_is_verb(const Model& model, std::size_t input);
const VerbDecl& input_verb(const Model& model, std::size_t input);  // when input_is_verb
std::size_t verb_input(std::size_t verb);  // the input number of the verb declared so
Event input_event(const Model& model, std::size_t input);

// Whether a state of this mode receives this input with this outcome.
bool in_domain(const Model& model, Mode mode, std::size_t input, Outcome outcome);

}  // namespace postable::modelc
