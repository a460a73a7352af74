// A sweep: many worlds, one per seed, run on every core. Worlds share nothing, so each is run
// whole on one thread, and what is printed and written comes out in seed order whatever ran
// when: a sweep's output is the same at --jobs 1 and --jobs N.
#pragma once

#include <cstdint>
#include <string>

#include "sim/params.hpp"
#include "sim/run.hpp"

namespace postable::sim {

struct SweepOptions {
  std::uint64_t first = 1, last = 1;    // the seed range, both ends in it
  std::uint64_t shard = 0, shards = 1;  // this sweep takes every shards-th seed from `shard` on
  unsigned jobs = 1;                    // worlds run at once
  bool keep_going = false;              // run every seed, not only up to the first violation
  std::string jsonl;                    // one line per world here, when named
  RunOptions run;
};

// Prints each world's report, then the sweep's (sweep_report.hpp); 0 when no world violated
// an invariant, 1 otherwise.
int run_sweep(const Params& base, const Fixed& fixed, const SweepOptions& options);

}  // namespace postable::sim
