// The model's state diagram with each transition weighted by how often it fired in a run:
// thicker edges fired more, grey ones never did.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace postable::sim {

std::string coverage_dot(const std::vector<std::uint64_t>& row_counts);

}  // namespace postable::sim
