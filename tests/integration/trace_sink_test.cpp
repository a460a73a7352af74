// The trace sink (server/trace_sink.hpp): events recorded by many threads at once all reach
// the file, each producer's in its order; a disk that takes nothing is logged once and the
// producers go on at once; a file that cannot be made is a one-line error.
#define BOOST_TEST_MODULE trace_sink
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "core/run_trace.hpp"
#include "server/trace_sink.hpp"
#include "support/mailbox_folder.hpp"

using namespace postable;

namespace {

constexpr std::size_t producers = 4, per_producer = 20000;

// Producer p's events: its reads carry "p:i", its rows and records number i.
trace::Event event_of(std::size_t p, std::uint64_t i, std::string& scratch, std::uint64_t now) {
  trace::Event event;
  event.time_ns = now;
  event.connection = std::uint32_t(p + 1);
  if (i % 3 == 0) {
    scratch = std::to_string(p) + ":" + std::to_string(i);
    event.kind = trace::Kind::bytes_read;
    event.bytes = scratch;
    event.a = scratch.size();
  } else if (i % 3 == 1) {
    event.kind = trace::Kind::row_fired;
    event.c = std::uint16_t(i);
  } else {
    event.kind = trace::Kind::record_appended;
    event.a = i;
    event.b = i * 10;
  }
  return event;
}

}  // namespace

BOOST_AUTO_TEST_CASE(events_of_many_threads_all_reach_the_file_each_in_its_order) {
  const postable::testing::TemporaryFolder folder;
  const auto path = folder.path() / "trace";
  std::vector<std::string> logged;
  {
    TraceSink sink(path, "flags=--threads 4\n", producers,
                   [&](const std::string& line) { logged.push_back(line); });
    std::vector<std::thread> threads;
    for (std::size_t p = 0; p < producers; ++p) {
      threads.emplace_back([&sink, p] {
        std::string scratch;
        for (std::uint64_t i = 0; i < per_producer; ++i) {
          sink.record(p, event_of(p, i, scratch, sink.now_ns()));
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  const std::string trace = postable::testing::read_whole_file(path);
  BOOST_TEST(logged.empty());
  trace::Reader reader(trace);
  BOOST_REQUIRE(reader.header().has_value());
  BOOST_TEST(*reader.header() == "flags=--threads 4\n");
  std::vector<std::uint64_t> next(producers, 0);
  std::string scratch;
  std::size_t events = 0;
  // Each round of writing begins with a mark; what follows it is later than the mark before.
  std::uint64_t mark_before = 0, mark = 0;
  while (const auto event = reader.next()) {
    if (event->kind == trace::Kind::flushed) {
      mark_before = mark;
      mark = event->time_ns;
      continue;
    }
    BOOST_REQUIRE(event->time_ns > mark_before);
    ++events;
    const std::size_t p = event->connection - 1;
    BOOST_REQUIRE(p < producers);
    const trace::Event expected = event_of(p, next[p]++, scratch, event->time_ns);
    BOOST_REQUIRE((*event == expected));
  }
  BOOST_TEST(!reader.cut());
  BOOST_TEST(!reader.problem().has_value());
  BOOST_TEST(events == producers * per_producer);
}

BOOST_AUTO_TEST_CASE(a_disk_that_takes_nothing_is_logged_once_and_nobody_waits) {
  std::vector<std::string> logged;
  {
    TraceSink sink("/dev/full", "", 1, [&](const std::string& line) { logged.push_back(line); });
    BOOST_TEST(sink.failed());  // the header could not be written
    std::string scratch;
    for (std::uint64_t i = 0; i < 100000; ++i) sink.record(0, event_of(0, i, scratch, 0));
  }
  BOOST_REQUIRE(logged.size() == 1u);
  BOOST_TEST(logged[0].rfind("trace: cannot write (", 0) == 0u, logged[0]);
}

BOOST_AUTO_TEST_CASE(a_trace_that_cannot_be_made_is_a_one_line_error) {
  const postable::testing::TemporaryFolder folder;  // a folder of its own: "missing" is not there
  const std::string path = (folder.path() / "missing" / "trace").string();
  try {
    TraceSink sink(path, "", 1, [](const std::string&) {});
    BOOST_FAIL("no error");
  } catch (const std::runtime_error& error) {
    const std::string what = error.what();
    BOOST_TEST(what == "cannot write the trace " + path + ": No such file or directory");
  }
}
