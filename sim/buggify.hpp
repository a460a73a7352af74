// The one place a planted bug acts: each stand-in asks `planted(Fault::x)` where the bug would
// be, so a new fault is a name in params.hpp and one line where it acts. The oracle must
// catch every one (tests/unit/sim_test.cpp, and the sim_fault mutant).
#pragma once

#include "sim/params.hpp"

namespace postable::sim {

class Buggify {
 public:
  explicit Buggify(Fault fault) : fault_(fault) {}
  bool planted(Fault fault) const { return fault_ == fault; }

 private:
  Fault fault_;
};

}  // namespace postable::sim
