// The run trace's format (core/run_trace.hpp): what a writer appends reads back, and a trace
// that is cut, corrupt or of another version says so, at its offset.
#define BOOST_TEST_MODULE run_trace
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "core/run_trace.hpp"

using namespace postable::trace;

namespace {

std::string two_events() {
  std::string out = encode_header("flags=--threads 2\nrecovered=fresh\n");
  append_event(out, Event{5, Kind::accept, 1, 0, 0, 31, 0, {}});
  append_event(out, Event{9, Kind::bytes_read, 1, 0, 0, 6, 0, "HELO h"});
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(events_read_back_as_written_in_16_bytes_and_8_for_each_value) {
  std::string out = two_events();
  std::size_t before = out.size();
  append_event(out, Event{12, Kind::record_appended, 1, 0, 0, 7, 4096, {}});
  BOOST_TEST(out.size() - before == 32u);  // two values
  before = out.size();
  append_event(out, Event{13, Kind::sync_ended, 0, ok_flag, 0, 4096, 0, {}});
  BOOST_TEST(out.size() - before == 24u);  // one
  before = out.size();
  append_event(out, Event{14, Kind::row_fired, 1, 0, 57, 0, 0, {}});
  BOOST_TEST(out.size() - before == 16u);  // none
  Reader reader(out);
  BOOST_REQUIRE(reader.header().has_value());
  BOOST_TEST(*reader.header() == "flags=--threads 2\nrecovered=fresh\n");
  BOOST_TEST((reader.next() == Event{5, Kind::accept, 1, 0, 0, 31, 0, {}}));
  const auto read = reader.next();
  BOOST_REQUIRE(read.has_value());
  BOOST_TEST(read->bytes == "HELO h");
  BOOST_TEST((reader.next() == Event{12, Kind::record_appended, 1, 0, 0, 7, 4096, {}}));
  BOOST_TEST((reader.next() == Event{13, Kind::sync_ended, 0, ok_flag, 0, 4096, 0, {}}));
  BOOST_TEST((reader.next() == Event{14, Kind::row_fired, 1, 0, 57, 0, 0, {}}));
  BOOST_TEST(!reader.next().has_value());
  BOOST_TEST(!reader.cut());
  BOOST_TEST(!reader.problem().has_value());
}

BOOST_AUTO_TEST_CASE(a_cut_trace_reads_as_its_whole_events_and_says_it_was_cut) {
  const std::string whole = two_events();
  Reader reader(std::string_view(whole).substr(0, whole.size() - 3));  // inside the bytes
  BOOST_TEST(reader.next().has_value());
  BOOST_TEST(!reader.next().has_value());
  BOOST_TEST(reader.cut());
  BOOST_TEST(!reader.problem().has_value());
  Reader in_header(std::string_view(whole).substr(0, 20));
  BOOST_TEST(!in_header.header().has_value());
  BOOST_TEST(in_header.cut());
}

BOOST_AUTO_TEST_CASE(a_trace_of_another_version_or_no_trace_is_refused_at_its_offset) {
  std::string other = two_events();
  other[magic.size()] = 2;
  const Reader refused(other);
  BOOST_REQUIRE(refused.problem().has_value());
  BOOST_TEST(refused.problem()->offset == magic.size());
  BOOST_TEST(refused.problem()->reason == "a trace of version 2; this reader reads version 1");
  const Reader mbox("From someone Mon Dec  7 10:00:00 2026\n");
  BOOST_REQUIRE(mbox.problem().has_value());
  BOOST_TEST(mbox.problem()->offset == 0u);
}

BOOST_AUTO_TEST_CASE(bytes_no_writer_makes_are_named_by_their_offset) {
  std::string corrupt = two_events();
  const std::size_t first_event = corrupt.size() - 24 - (24 + 6);  // an accept, then a read
  corrupt[first_event + 12] = char(200);                           // the first event's kind
  Reader reader(corrupt);
  BOOST_TEST(!reader.next().has_value());
  BOOST_REQUIRE(reader.problem().has_value());
  BOOST_TEST(reader.problem()->offset == first_event);
  BOOST_TEST(reader.problem()->reason == "an event of no known kind (200)");
  std::string too_long = encode_header("");
  const std::size_t read_at = too_long.size();
  append_event(too_long, Event{1, Kind::bytes_read, 1, 0, 0, 3, 0, "abc"});
  too_long[read_at + 16 + 3] = 1;  // the read's length, now 2^24 + 3
  Reader second(too_long);
  BOOST_TEST(!second.next().has_value());
  BOOST_REQUIRE(second.problem().has_value());
  BOOST_TEST(second.problem()->offset == read_at);
  BOOST_TEST(second.problem()->reason == "a read of 16777219 bytes, more than any worker reads");
}
