// The run trace's format under any events, any cut and any damaged byte: what was written
// reads back; a trace cut anywhere reads as exactly its whole events and says so; a damaged
// one reads the same as the original up to the damage, and never past the end of its bytes.
#define BOOST_TEST_MODULE run_trace_property
#define BOOST_TEST_DYN_LINK
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "core/run_trace.hpp"

namespace {

using namespace postable::trace;

// Random events; a read's bytes are kept in `storage` (the events view them).
std::vector<Event> random_events(std::vector<std::string>& storage) {
  const auto count = *rc::gen::inRange<std::size_t>(0, 40);
  std::vector<Event> events;
  storage.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Event event;
    event.kind = Kind(*rc::gen::inRange<int>(1, kinds));
    event.time_ns = *rc::gen::arbitrary<std::uint64_t>();
    event.connection = *rc::gen::arbitrary<std::uint32_t>();
    event.flags = *rc::gen::arbitrary<std::uint8_t>();
    event.c = *rc::gen::arbitrary<std::uint16_t>();
    // The kinds' values, as the format says them (not its own function's).
    const bool two = event.kind == Kind::record_appended || event.kind == Kind::move_begun ||
                     event.kind == Kind::move_ended;
    const bool one = two || event.kind == Kind::accept || event.kind == Kind::bytes_read ||
                     event.kind == Kind::sync_begun || event.kind == Kind::sync_ended;
    if (one) event.a = *rc::gen::arbitrary<std::uint64_t>();
    if (two) event.b = *rc::gen::arbitrary<std::uint64_t>();
    if (event.kind == Kind::bytes_read) {
      storage.push_back(
          *rc::gen::container<std::string>(*rc::gen::inRange(0, 100), rc::gen::arbitrary<char>()));
      event.bytes = storage.back();
      event.a = event.bytes.size();
    }
    events.push_back(event);
  }
  return events;
}

// Every event the reader gives, and where each ended.
std::vector<std::pair<Event, std::uint64_t>> read_all(Reader& reader) {
  std::vector<std::pair<Event, std::uint64_t>> read;
  while (const auto event = reader.next()) read.emplace_back(*event, reader.offset());
  return read;
}

}  // namespace

RC_BOOST_PROP(a_trace_cut_anywhere_reads_as_its_whole_events, ()) {
  std::vector<std::string> storage;
  const std::vector<Event> events = random_events(storage);
  std::string trace = encode_header(*rc::gen::arbitrary<std::string>());
  std::vector<std::size_t> ends;
  for (const Event& event : events) {
    append_event(trace, event);
    ends.push_back(trace.size());
  }
  Reader whole(trace);
  const auto all = read_all(whole);
  RC_ASSERT(all.size() == events.size());
  for (std::size_t i = 0; i < events.size(); ++i) RC_ASSERT(all[i].first == events[i]);
  RC_ASSERT(!whole.cut() && !whole.problem());
  const auto cut_at = *rc::gen::inRange<std::size_t>(0, trace.size() + 1);
  Reader cut(std::string_view(trace).substr(0, cut_at));
  const auto prefix = read_all(cut);
  RC_ASSERT(!cut.problem());
  std::size_t expected = 0;
  while (expected < ends.size() && ends[expected] <= cut_at) ++expected;
  RC_ASSERT(prefix.size() == (cut.header() ? expected : 0));
  const bool at_a_boundary =
      cut.header() && (expected == 0 ? cut.offset() == cut_at : ends[expected - 1] == cut_at);
  RC_ASSERT(cut.cut() == !at_a_boundary);
}

RC_BOOST_PROP(a_damaged_byte_reads_the_same_up_to_the_damage, ()) {
  std::vector<std::string> storage;
  const std::vector<Event> events = random_events(storage);
  std::string trace = encode_header("flags=\n");
  std::vector<std::size_t> ends;
  for (const Event& event : events) {
    append_event(trace, event);
    ends.push_back(trace.size());
  }
  const auto at = *rc::gen::inRange<std::size_t>(0, trace.size());
  trace[at] = *rc::gen::arbitrary<char>();
  Reader reader(trace);  // a copy: the views of bytes read stay in `trace`
  const auto read = read_all(reader);
  for (const auto& [event, end] : read) RC_ASSERT(end <= trace.size());
  std::size_t before = 0;  // the events wholly before the damaged byte
  while (before < ends.size() && ends[before] <= at) ++before;
  if (at >= encode_header("flags=\n").size()) RC_ASSERT(read.size() >= before);
  for (std::size_t i = 0; i < before && i < read.size(); ++i) {
    RC_ASSERT(read[i].first == events[i]);
  }
}
