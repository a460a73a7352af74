#include "sim/sweep_report.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace postable::sim {

std::optional<std::uint64_t> seed_of_line(const std::string& line) {
  const auto json = nlohmann::json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("seed") ||
      !json["seed"].is_number_unsigned()) {
    return std::nullopt;
  }
  return json["seed"].get<std::uint64_t>();
}

std::string sweep_report(std::vector<std::string> lines) {
  std::map<std::uint64_t, nlohmann::json> worlds;  // by seed: the report's order
  for (const std::string& line : lines) {
    const auto seed = seed_of_line(line);
    if (!seed) throw std::runtime_error("not a world's line: " + line.substr(0, 80));
    worlds[*seed] = nlohmann::json::parse(line);
  }
  std::uint64_t sessions = 0, messages = 0, events = 0, deferred = 0;
  std::string violations;
  std::uint64_t violated = 0;
  for (const auto& [seed, world] : worlds) {
    sessions += world["sessions"].get<std::uint64_t>();
    messages += world["messages"].get<std::uint64_t>();
    events += world["events"].get<std::uint64_t>();
    deferred += world["deferred"].get<std::uint64_t>();
    if (world["verdict"] == "ok") continue;
    ++violated;
    violations += "seed " + std::to_string(seed) + ": " + world["verdict"].get<std::string>() +
                  "\n  replay: " + world["replay"].get<std::string>() + "\n";
  }
  std::string out = "sweep: " + std::to_string(worlds.size()) + " world(s)";
  if (!worlds.empty()) {
    out += ", seeds " + std::to_string(worlds.begin()->first) + ".." +
           std::to_string(worlds.rbegin()->first);
  }
  out += "; " + std::to_string(sessions) + " sessions, " + std::to_string(messages) +
         " messages, " + std::to_string(events) + " events, " + std::to_string(deferred) +
         " clients deferred; " + std::to_string(violated) + " violation(s)\n";
  return out + violations;
}

}  // namespace postable::sim
