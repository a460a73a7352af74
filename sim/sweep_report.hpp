// What a sweep reports of its worlds, made only from their JSON lines (WorldResult::line): so
// `smtpsim merge` over the lines of any shards prints the very report of one sweep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace postable::sim {

// The closing report: worlds, seeds, totals, and each violation with its replay line, in seed
// order. The lines may come in any order, and a seed more than once (one kept).
std::string sweep_report(std::vector<std::string> lines);

// The seed a world's line names, or nullopt for a line that is not a world's.
std::optional<std::uint64_t> seed_of_line(const std::string& line);

}  // namespace postable::sim
