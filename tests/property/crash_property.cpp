// The proof that a 250 is a promise (property/crash_world.hpp): small worlds checked
// exhaustively, every crash point times every crash state, over a set of interleavings and
// failing syncs; larger worlds with RapidCheck picking the interleaving, the failing syncs,
// the crash point and the crash state.
#define BOOST_TEST_MODULE crash
#define BOOST_TEST_DYN_LINK
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>

#include "core/rng.hpp"
#include "property/assertions_throw.hpp"
#include "property/crash_world.hpp"

using namespace postable;
using namespace postable::testing;
BOOST_TEST_GLOBAL_FIXTURE(AssertionsThrow);

namespace {

std::vector<std::size_t> interleaving(std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::size_t> choices(96);
  for (std::size_t& choice : choices) choice = std::size_t(rng.below(8));
  return choices;
}

}  // namespace

// How many interleavings each shape is checked over: 12, or POSTABLE_CRASH_INTERLEAVINGS (the
// sanitizer builds take fewer: they look for memory errors on the same paths, ten times
// slower).
std::uint64_t interleavings() {
  const char* set = std::getenv("POSTABLE_CRASH_INTERLEAVINGS");
  return set == nullptr ? 12 : std::max<std::uint64_t>(1, std::strtoull(set, nullptr, 10));
}

// Up to 3 writers x 3 messages, a backup every 2: every crash point, every crash state.
BOOST_AUTO_TEST_CASE(every_crash_of_a_small_world_keeps_every_acknowledged_message) {
  const std::vector<std::vector<int>> shapes{{3}, {2, 2}, {1, 1, 1}, {3, 3, 3}};
  // Failing syncs: none; a data sync; two; a data sync and a backup's folder sync.
  const std::vector<std::pair<std::set<std::size_t>, std::set<std::size_t>>> failures{
      {{}, {}}, {{1}, {}}, {{0, 3}, {}}, {{2}, {1}}};
  std::size_t worlds = 0, points = 0, states = 0, acknowledged = 0;
  for (const auto& shape : shapes) {
    for (std::uint64_t seed = 1; seed <= interleavings(); ++seed) {
      for (const auto& [data, folder] : failures) {
        const CrashVerdict verdict =
            check_every_crash({shape, 2, interleaving(seed), 1, data, folder, std::nullopt});
        BOOST_TEST(verdict.wrong == "", "world " << worlds << ": " << verdict.wrong);
        if (!verdict.wrong.empty()) return;
        ++worlds;
        points += verdict.crash_points;
        states += verdict.crash_states;
        acknowledged += verdict.acknowledged;
      }
    }
  }
  BOOST_TEST(states > points);  // each point has more than one state to judge
  BOOST_TEST_MESSAGE(worlds << " worlds, " << acknowledged << " acknowledged messages, " << points
                            << " crash points, " << states << " crash states");
}

RC_BOOST_PROP(any_crash_of_any_world_keeps_every_acknowledged_message, ()) {
  CrashWorld world;
  world.messages_per_writer =
      *rc::gen::container<std::vector<int>>(*rc::gen::inRange(1, 5), rc::gen::inRange(0, 6));
  world.backup_every = *rc::gen::inRange<std::uint64_t>(1, 5);
  world.choices =
      *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 8));
  world.spurious = *rc::gen::inRange<std::size_t>(0, 3);
  world.failing_syncs = *rc::gen::container<std::set<std::size_t>>(
      *rc::gen::inRange<std::size_t>(0, 3), rc::gen::inRange<std::size_t>(0, 12));
  world.failing_folder_syncs = *rc::gen::container<std::set<std::size_t>>(
      *rc::gen::inRange<std::size_t>(0, 2), rc::gen::inRange<std::size_t>(1, 6));
  world.only =
      std::pair(*rc::gen::inRange<std::size_t>(0, 200), *rc::gen::inRange<std::size_t>(0, 1000000));
  const CrashVerdict verdict = check_every_crash(world);
  RC_LOG() << verdict.wrong;
  RC_ASSERT(verdict.wrong.empty());
}
