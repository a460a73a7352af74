#include "sim/coverage_dot.hpp"

#include <map>

#include "core/table.hpp"

namespace postable::sim {

std::string coverage_dot(const std::vector<std::uint64_t>& row_counts) {
  std::map<std::pair<std::size_t, std::size_t>, std::pair<std::string, std::uint64_t>> edges;
  for (std::size_t r = 0; r < model::row_count; ++r) {
    const model::Row& row = model::rows[r];
    auto& [label, fired] = edges[{std::size_t(row.state), std::size_t(row.next)}];
    label += std::string(input_name(row.input)) + " " +
             std::string(enum_name(outcome_names, row.outcome)) + ": " +
             std::to_string(row_counts[r]) + "\\l";
    fired += row_counts[r];
  }
  std::string out =
      "digraph coverage {\n  node [shape=box, style=rounded];\n"
      "  edge [fontsize=9];\n";
  for (const auto& [ends, edge] : edges) {
    const auto& [label, fired] = edge;
    int width = 1;
    for (std::uint64_t n = fired; n >= 10; n /= 10) ++width;
    out += "  " + std::string(state_name(model::State(ends.first))) + " -> " +
           std::string(state_name(model::State(ends.second))) + " [label=\"" + label +
           "\", penwidth=" + std::to_string(width) + (fired == 0 ? ", color=grey" : "") + "];\n";
  }
  return out + "}\n";
}

}  // namespace postable::sim
