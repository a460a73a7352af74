// The end of a run, for people (a summary on stdout) and for scripts (--json FILE).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "multiclient/stats.hpp"

namespace postable::multiclient {

struct RunResult {
  std::uint64_t seed = 0;
  double seconds = 0;
  Stats::Summary summary;
  std::vector<std::string> verify_problems;
  bool failed() const { return !summary.mismatches.empty() || !verify_problems.empty(); }
};

std::string summary_text(const RunResult& result);
std::string summary_json(const RunResult& result);

}  // namespace postable::multiclient
