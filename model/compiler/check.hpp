// Proves a parsed model sound and expands it into the table the emitters write. Every
// failed proof becomes a diagnostic; the table is returned only when there are none.
#pragma once

#include <optional>

#include "model/compiler/inputs.hpp"
#include "model/compiler/model.hpp"

namespace postable::modelc {

std::optional<Table> check_model(const Model& model, Diagnostics& diagnostics);

}  // namespace postable::modelc
