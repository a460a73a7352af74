// The simulator: a seed replays byte for byte, another seed differs, a sweep of seeds holds
// every invariant, and each planted bug is reported by the oracle within a small run.
#define BOOST_TEST_MODULE sim
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <functional>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "sim/coverage_dot.hpp"
#include "sim/world.hpp"

using namespace postable::sim;

namespace {

// A drawn world; `fix` sets the parameters (and the flags) a test holds fixed.
Params world(std::uint64_t seed, std::uint64_t clients,
             const std::function<void(Params&, Fixed&)>& fix = {}) {
  Params params;
  params.seed = seed;
  params.clients = clients;
  Fixed fixed;
  if (fix) fix(params, fixed);
  return draw_world(params, fixed);
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
  std::uint64_t messages = 0, stops = 0;
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    World run(world(seed, 1000));
    const auto violation = run.run();
    BOOST_TEST(!violation.has_value(),
               "seed " << seed << ": " << (violation ? violation->invariant : ""));
    // Every client is served, but those a crash cut off in the backlog, those refused every
    // time they tried (an overloaded world defers them), and, in a world with a stop, those
    // its drain found in the backlog and those that came after it.
    const Summary& s = run.summary();
    BOOST_TEST(s.sessions + s.reset_unserved + s.deferred + s.stop_backlog_closed +
                   s.stop_refused ==
               1000u);
    stops += s.stops;
    messages += run.summary().messages;
  }
  BOOST_TEST(messages > 10000u);
  BOOST_TEST(stops > 0u);  // the swarm draws a stop in some worlds
}

// Runs the worlds of seeds 1..30 (400 clients each) drawn around `base` with `fixed` fixed,
// each of which must keep every invariant, and hands each world's summary to `add`.
template <typename Add>
void run_clean_worlds(Params base, const Fixed& fixed, Add add) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    base.seed = seed;
    base.clients = 400;
    World run(draw_world(base, fixed));
    const auto violation = run.run();
    BOOST_TEST(!violation.has_value(),
               "seed " << seed << ": " << (violation ? violation->invariant : ""));
    add(run.summary());
  }
}

// Every kind of network fault strikes in a sweep that draws them, and every invariant holds.
BOOST_AUTO_TEST_CASE(every_network_fault_is_exercised_and_every_invariant_holds) {
  Params params;
  params.reset_chance = 0.1;
  params.stall_chance = 0.01;
  params.spike_chance = 0.05;
  Fixed fixed;
  fixed.resets = fixed.stalls = fixed.spikes = true;
  Summary total;
  run_clean_worlds(params, fixed, [&total](const Summary& s) {
    total.net_resets_client += s.net_resets_client;
    total.net_resets_server += s.net_resets_server;
    total.resets_in_data += s.resets_in_data;
    total.resets_with_reply_lost += s.resets_with_reply_lost;
    total.net_stalls += s.net_stalls;
    total.net_spikes += s.net_spikes;
  });
  BOOST_TEST(total.net_resets_client > 0u);
  BOOST_TEST(total.net_resets_server > 0u);
  BOOST_TEST(total.resets_in_data > 0u);
  BOOST_TEST(total.resets_with_reply_lost > 0u);
  BOOST_TEST(total.net_stalls > 0u);
  BOOST_TEST(total.net_spikes > 0u);
  BOOST_TEST_MESSAGE("resets " << total.net_resets_client << " + " << total.net_resets_server
                               << " (" << total.resets_in_data << " in DATA, "
                               << total.resets_with_reply_lost << " with a reply lost), stalls "
                               << total.net_stalls << ", spikes " << total.net_spikes);
}

// Failed syncs (451s, numbers given again), failed moves (the group stays for the next) and
// long bodies through the spool all strike in a sweep that draws them, crashes among them,
// and every invariant holds.
BOOST_AUTO_TEST_CASE(every_disk_fault_and_the_spool_are_exercised_and_every_invariant_holds) {
  Params params;
  params.sync_fail_chance = 0.1;
  params.move_fail_chance = 0.3;
  params.spill_at = 16;
  Fixed fixed;
  fixed.sync_failures = fixed.move_failures = fixed.spill_at = true;
  Summary total;
  std::uint64_t refused = 0;
  run_clean_worlds(params, fixed, [&total, &refused](const Summary& s) {
    total.syncs_failed += s.syncs_failed;
    total.moves_failed += s.moves_failed;
    total.spills += s.spills;
    total.crashes += s.crashes;
    if (const auto found = s.replies.find(451); found != s.replies.end()) refused += found->second;
  });
  BOOST_TEST(total.syncs_failed > 0u);
  BOOST_TEST(refused > 0u);  // their messages got 451
  BOOST_TEST(total.moves_failed > 0u);
  BOOST_TEST(total.spills > 0u);
  BOOST_TEST(total.crashes > 0u);
  BOOST_TEST_MESSAGE("failed syncs " << total.syncs_failed << " (" << refused
                                     << " 451s), failed moves " << total.moves_failed
                                     << ", spilled pieces " << total.spills << ", crashes "
                                     << total.crashes);
}

BOOST_AUTO_TEST_CASE(the_trace_has_a_span_per_session_and_the_coverage_graph_every_row) {
  const auto path = std::filesystem::temp_directory_path() / "postable-sim-trace.json";
  std::uint64_t sessions = 0;
  std::vector<std::uint64_t> counts;
  {
    TraceWriter trace(path.string());
    World run(world(9, 300), &trace);
    BOOST_TEST(!run.run().has_value());
    sessions = run.summary().sessions;
    counts = run.summary().row_counts;
  }
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  std::filesystem::remove(path);
  const std::string trace = text.str();
  BOOST_TEST(trace.starts_with("{\"traceEvents\": ["));
  BOOST_TEST(trace.ends_with("]}\n"));
  std::size_t spans = 0;
  for (std::size_t at = trace.find("client "); at != std::string::npos;
       at = trace.find("client ", at + 1)) {
    ++spans;
  }
  BOOST_TEST(spans == sessions);
  const std::string dot = coverage_dot(counts);
  BOOST_TEST(dot.find("READY -> HELLO [label=\"HELO ok: ") != std::string::npos);
  BOOST_TEST(dot.find("color=grey") != std::string::npos);  // some rows never fire in 300
}

// The server dies at drawn moments; each time the real recovery reads what the disk kept,
// the connections it had are cut, and the oracle finds every acknowledged message still there.
BOOST_AUTO_TEST_CASE(a_world_with_crashes_resumes_and_keeps_every_acknowledged_message) {
  std::uint64_t crashes = 0, cut = 0, messages = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    World run(world(seed, 1000, [](Params& params, Fixed& fixed) {
      params.crashes = 4;
      fixed.crashes = fixed.stop = true;  // no stop: a crash during one is not restarted
    }));
    const auto violation = run.run();
    BOOST_TEST(!violation.has_value(), (violation ? violation->invariant : ""));
    crashes += run.summary().crashes;
    cut += run.summary().reset_by_crash;
    messages += run.summary().messages;
  }
  BOOST_TEST(crashes == 40u);
  BOOST_TEST(cut > 0u);
  BOOST_TEST(messages > 1000u);
}

// A stop signal at a drawn moment: the acceptor sees it whatever the pool does, every session
// between messages is told at once, one inside a message after its reply, the backlog is
// closed unanswered, every session is closed by the drain's end, a due backup is made, and
// nothing acknowledged is lost (the oracle checks each); saturated worlds among them.
BOOST_AUTO_TEST_CASE(a_world_with_a_stop_tells_every_session_and_closes_the_backlog) {
  std::uint64_t stops = 0, backlog_closed = 0, told = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    World run(
        world(seed, 500, [](Params& params, Fixed& fixed) { params.stop = fixed.stop = true; }));
    const auto violation = run.run();
    BOOST_TEST(!violation.has_value(),
               "seed " << seed << ": " << (violation ? violation->invariant : ""));
    stops += run.summary().stops;
    backlog_closed += run.summary().stop_backlog_closed;
    const auto replies = run.summary().replies.find(421);
    told += replies == run.summary().replies.end() ? 0 : replies->second;
  }
  BOOST_TEST(stops == 40u);
  BOOST_TEST(backlog_closed > 0u);  // some worlds were saturated, with clients in the backlog
  BOOST_TEST(told > 0u);
}

// The limits on a session, held by the server and by every client's mirror alike: a world of
// erroneous clients under an error limit of 1 closes them with a 421 where the same world
// without a limit does not, and the mirrors agree with every reply.
BOOST_AUTO_TEST_CASE(a_world_with_tight_limits_closes_chattering_sessions) {
  std::uint64_t with_limit = 0, without = 0;
  for (const std::uint64_t limit : {std::uint64_t(1), std::uint64_t(0)}) {
    World run(world(5, 400, [limit](Params& params, Fixed& fixed) {
      params.mix = Mix{1, 6, 0, 0, 0, 0};
      params.error_limit = limit;
      params.junk_limit = 0;
      params.stop = false;
      fixed.mix = fixed.error_limit = fixed.junk_limit = fixed.stop = true;
    }));
    const auto violation = run.run();
    BOOST_TEST(!violation.has_value(), (violation ? violation->invariant : ""));
    const auto replies = run.summary().replies.find(421);
    (limit == 1 ? with_limit : without) =
        replies == run.summary().replies.end() ? 0 : replies->second;
  }
  BOOST_TEST(with_limit > without + 100);
}
