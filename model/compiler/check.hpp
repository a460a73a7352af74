// Proves a parsed model sound and expands it into the table the emitters write. Every
// failed proof becomes a diagnostic; the table is returned only when there are none.
#pragma once

#include <optional>

#include "model/compiler/model.hpp"

namespace postable::modelc {

std::optional<Table> check_model(const Model& model, Diagnostics& diagnostics);

// Inputs are numbered verbs first, then events; these name and classify them.
std::size_t input_count(const Model& model);
std::string input_name(const Model& model, std::size_t input);
bool input_is_verb(const Model& model, std::size_t input);
const VerbDecl& input_verb(const Model& model, std::size_t input);  // when input_is_verb
std::size_t verb_input(std::size_t verb);  // the input number of the verb declared so
Event input_event(const Model& model, std::size_t input);

// Whether a state of this mode receives this input with this outcome.
bool in_domain(const Model& model, Mode mode, std::size_t input, Outcome outcome);

}  // namespace postable::modelc
