// Writes a checked model out: the C++ header of constexpr tables the core compiles against,
// and the DOT graph that Graphviz renders into the state diagram. Both come from the same
// checked table, so the picture cannot drift from the code.
#pragma once

#include <string>

#include "model/compiler/model.hpp"

namespace postable::modelc {

std::string emit_header(const Model& model, const Table& table, const std::string& source_name);
std::string emit_dot(const Model& model, const Table& table);

}  // namespace postable::modelc
