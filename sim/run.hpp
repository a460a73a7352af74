// One world run to its end, as smtpsim reports it: the text it prints, the JSON summary, and
// the line a sweep keeps of it. Worlds share nothing, so a sweep runs many at once.
#pragma once

#include <cstdint>
#include <string>

#include "sim/params.hpp"

namespace postable::sim {

struct RunOptions {
  std::string json, trace, coverage_dot;  // files to write, when named (single runs)
  bool quiet = false;                     // only the parameters line and violations
  bool progress = false;                  // progress lines on stderr while it runs
  double progress_every = 5;  // seconds between progress lines when stderr is not a terminal
  bool announce = false;      // the parameters line goes to stdout at once, not into the text
};

struct WorldResult {
  std::uint64_t seed = 0;
  std::string text;  // what smtpsim prints for this world
  std::string line;  // one JSON line: seed, parameters, digest, counts, verdict
  bool violated = false;
  std::uint64_t sessions = 0, messages = 0, events = 0;
  double wall_seconds = 0;
};

// Draws the world for `params` (what `fixed` does not fix), runs it, and on a violation runs
// it again keeping the offending client's transcript, for the report.
WorldResult run_world(Params params, const Fixed& fixed, const RunOptions& options);

}  // namespace postable::sim
