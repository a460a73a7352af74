// The simulator for random seeds and random flags: the oracle holds (every invariant, the
// liveness phase included), and two runs of the same world agree on the digest of their
// whole trace. The simulator's planted bugs are smtpsim built over a mutated machine
// (tests/mutants.cmake, postable_sim_mutant).
#define BOOST_TEST_MODULE sim_property
#define BOOST_TEST_DYN_LINK
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include "sim/world.hpp"

using namespace postable::sim;

RC_BOOST_PROP(the_simulator_holds_its_oracle_and_replays_exactly, ()) {
  Params params;
  params.seed = *rc::gen::arbitrary<std::uint64_t>();
  params.clients = *rc::gen::inRange<std::uint64_t>(1, 150);
  Fixed fixed;  // each flag given or not, as a user might
  if ((fixed.workers = *rc::gen::arbitrary<bool>())) {
    params.workers = *rc::gen::inRange<std::uint64_t>(1, 40);
  }
  if ((fixed.backup_every = *rc::gen::arbitrary<bool>())) {
    params.backup_every = *rc::gen::inRange<std::uint64_t>(1, 40);
  }
  if ((fixed.timeout = *rc::gen::arbitrary<bool>())) {
    params.timeout_seconds = double(*rc::gen::inRange(1, 2000)) / 100.0;
  }
  if ((fixed.rate = *rc::gen::arbitrary<bool>())) {
    params.arrivals_per_second = double(*rc::gen::inRange(1, 20000));
  }
  if ((fixed.crashes = *rc::gen::arbitrary<bool>())) {
    params.crashes = *rc::gen::inRange<std::uint64_t>(0, 4);
  }
  if ((fixed.resets = *rc::gen::arbitrary<bool>())) {
    params.reset_chance = double(*rc::gen::inRange(0, 30)) / 100.0;
  }
  if ((fixed.stalls = *rc::gen::arbitrary<bool>())) {
    params.stall_chance = double(*rc::gen::inRange(0, 5)) / 100.0;
  }
  if ((fixed.spikes = *rc::gen::arbitrary<bool>())) {
    params.spike_chance = double(*rc::gen::inRange(0, 20)) / 100.0;
  }
  if ((fixed.mix = *rc::gen::arbitrary<bool>())) {
    const auto weight = [] { return *rc::gen::inRange<std::uint64_t>(0, 5); };
    params.mix = Mix{weight(), weight(), weight(), weight(), weight(), weight() + 1};
  }
  params = draw_world(params, fixed);
  RC_LOG() << params.describe();
  World first(params);
  const auto violation = first.run();
  RC_LOG() << (violation ? "violation: " + violation->invariant : "no violation");
  RC_ASSERT(!violation.has_value());
  World second(params);
  RC_ASSERT(!second.run().has_value());
  RC_ASSERT(first.summary().digest == second.summary().digest);
  RC_ASSERT(first.summary().events == second.summary().events);
}
