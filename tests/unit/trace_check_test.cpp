// The checker of real runs (sim/trace_check.hpp, sim/trace_order.hpp) over events made by
// hand: the order it puts a file in, and the promises between traces and accepts.
#define BOOST_TEST_MODULE trace_check
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <vector>

#include "sim/trace_check.hpp"
#include "sim/trace_order.hpp"

using namespace postable;
using namespace postable::sim;

namespace {

trace::Event event(std::uint64_t time_ns, trace::Kind kind, std::uint32_t connection = 0,
                   std::uint64_t a = 0) {
  return {time_ns, kind, connection, 0, 0, a, 0, {}};
}

RunHeader header(bool resume) {
  std::string problem;
  const std::optional<RunHeader> read = read_run_header(
      "smtpd\nname=postable\nstrict=0\ntimeout_ns=1000000000\nmessage_bytes_max=1000\n"
      "recipients_max=10\nline_bytes_max=512\nerror_limit=20\njunk_limit=100\nthreads=2\n"
      "backup_every=32\ndrain_ns=0\nresume=" +
          std::string(resume ? "1" : "0") + "\nstored=0\nbacked_up=0\nlive_bytes=0\n",
      problem);
  BOOST_REQUIRE_MESSAGE(read.has_value(), problem);
  return *read;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_file_is_put_in_time_order_within_two_rounds_of_writing) {
  TraceOrder order;
  std::vector<std::uint64_t> out;
  const auto take = [&](std::uint64_t t, trace::Kind kind = trace::Kind::accept) {
    order.take(event(t, kind), [&](const trace::Event& e) { out.push_back(e.time_ns); });
  };
  take(10, trace::Kind::flushed);
  take(12);
  take(5);  // a worker's event the first round left behind: earlier than one written before it
  take(20, trace::Kind::flushed);
  // Everything stamped before the first mark has been read by the second: 5 goes, 12 waits.
  BOOST_TEST(out == (std::vector<std::uint64_t>{5}));
  take(15);
  take(30, trace::Kind::flushed);
  BOOST_TEST(out == (std::vector<std::uint64_t>{5, 12, 15}));
  take(25);
  take(35);
  // No server_stopped: the last round may be part written, so what follows the mark is dropped.
  BOOST_TEST(order.finish([&](const trace::Event& e) { out.push_back(e.time_ns); }) == 2u);
  BOOST_TEST(out.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_server_that_stopped_whole_has_its_last_round_judged) {
  TraceOrder order;
  std::vector<std::uint64_t> out;
  const auto keep = [&](const trace::Event& e) { out.push_back(e.time_ns); };
  order.take(event(10, trace::Kind::flushed), keep);
  order.take(event(12, trace::Kind::server_stopped), keep);
  order.take(event(11, trace::Kind::drain_over), keep);
  BOOST_TEST(order.finish(keep) == 0u);
  BOOST_TEST(out == (std::vector<std::uint64_t>{11, 12}));
}

BOOST_AUTO_TEST_CASE(a_connection_accepted_twice_while_open_is_a_violation) {
  TraceChecker checker(std::chrono::seconds(1));
  checker.begin(header(false));
  checker.take(event(1, trace::Kind::accept, 7, 2));
  BOOST_TEST(!checker.failed());
  checker.take(event(2, trace::Kind::accept, 7, 1));
  BOOST_TEST(checker.failed());
  BOOST_TEST(checker.report().find("connection 7 was accepted while still open") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_later_run_continues_the_files_only_with_resume) {
  TraceChecker resumed(std::chrono::seconds(1));
  resumed.begin(header(false));
  resumed.take(event(1, trace::Kind::server_stopped));
  BOOST_TEST(resumed.stopped());
  resumed.begin(header(true));  // a clean stop, then smtpd --resume: one history
  BOOST_TEST(!resumed.failed());
  BOOST_TEST(!resumed.stopped());
  TraceChecker afresh(std::chrono::seconds(1));
  afresh.begin(header(false));
  afresh.begin(header(false));  // a second run that empties the folder is not its sequel
  BOOST_TEST(afresh.failed());
  BOOST_TEST(afresh.report().find("did not --resume") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_header_without_a_setting_is_named) {
  std::string problem;
  BOOST_TEST(!read_run_header("smtpd\nname=postable\n", problem).has_value());
  BOOST_TEST(problem == "its header has no number for `strict`");
}
