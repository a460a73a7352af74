// The simulator: a seed replays byte for byte, another seed differs, a sweep of seeds holds
// every invariant, and each planted bug is reported by the oracle within a small run.
#define BOOST_TEST_MODULE sim
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "world.hpp"

using namespace postable::sim;

namespace {

Params world(std::uint64_t seed, std::uint64_t clients) {
  Params params;
  params.seed = seed;
  params.clients = clients;
  return draw_world(params, Fixed{});
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_same_seed_replays_exactly_and_another_seed_does_not) {
  World first(world(42, 2000));
  World second(world(42, 2000));
  World other(world(43, 2000));
  BOOST_TEST(!first.run().has_value());
  BOOST_TEST(!second.run().has_value());
  BOOST_TEST(!other.run().has_value());
  BOOST_TEST(first.summary().digest == second.summary().digest);
  BOOST_TEST(first.summary().events == second.summary().events);
  BOOST_TEST((first.summary().latency == second.summary().latency));
  BOOST_TEST(first.summary().digest != other.summary().digest);
}

BOOST_AUTO_TEST_CASE(a_sweep_of_seeds_holds_every_invariant) {
  std::uint64_t messages = 0;
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    World run(world(seed, 1000));
    const auto violation = run.run();
    BOOST_TEST(!violation.has_value(),
               "seed " << seed << ": " << (violation ? violation->invariant : ""));
    BOOST_TEST(run.summary().sessions == 1000u);
    messages += run.summary().messages;
  }
  BOOST_TEST(messages > 10000u);
}

BOOST_AUTO_TEST_CASE(every_planted_bug_is_reported) {
  const std::pair<Fault, const char*> faults[] = {
      {Fault::delivery_ignores_backup, "while a backup was moving"},
      {Fault::skip_number, "does not hold exactly messages"},
      {Fault::early_timeout, "a timeout fired at"},
      {Fault::greedy_acceptor, "accepted while no worker was idle"},
  };
  for (const auto& [fault, expected] : faults) {
    Params params;
    params.seed = 7;
    params.clients = 300;
    params.workers = 2;
    params.backup_every = 3;
    params.timeout_seconds = 1;
    params.mix = Mix{4, 1, 1, 1, 1, 1};
    params = draw_world(params, Fixed{true, true, true, true});
    params.fault = fault;
    World run(params);
    const auto violation = run.run();
    BOOST_REQUIRE(violation.has_value());
    BOOST_TEST(violation->invariant.find(expected) != std::string::npos, violation->invariant);
    params.fault = Fault::none;  // the same world without the bug is clean
    BOOST_TEST(!World(params).run().has_value());
  }
}
