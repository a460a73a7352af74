// Reads a model file's text into declarations. Reports every malformed line; a model with
// any diagnostic must not be emitted.
#pragma once

#include <string_view>

#include "model/compiler/model.hpp"

namespace postable::modelc {

Model parse_model(std::string_view text, Diagnostics& diagnostics);

}  // namespace postable::modelc
