// The one reader of the record format: what format_record writes, parse_records reads back,
// record for record; a torn or foreign text is named, with the records before it kept.
#define BOOST_TEST_MODULE record
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>

#include "core/body_quoting.hpp"
#include "core/record.hpp"

namespace {

using namespace postable;

const Envelope first{"client", "a@b", {"c@d", "e@f"}, "line one\n\nline three\n"};
const Envelope second{"other", "<>", {"x@y"}, ""};

}  // namespace

BOOST_AUTO_TEST_CASE(records_read_back_as_they_were_written) {
  const std::string text = format_record(first, 1, "netid") + format_record(second, 2, "netid");
  const ParsedRecords parsed = parse_records(text);
  BOOST_TEST(parsed.problem == "");
  BOOST_REQUIRE(parsed.records.size() == 2u);
  BOOST_TEST((parsed.records[0] == ParsedRecord{1, "netid", first}));
  BOOST_TEST((parsed.records[1] == ParsedRecord{2, "netid", second}));
  BOOST_TEST(parse_records("").records.empty());
  BOOST_TEST(parse_records("").problem == "");
}

BOOST_AUTO_TEST_CASE(a_body_line_like_a_head_alone_does_not_start_a_record) {
  const Envelope tricky{"h", "a@b", {"c@d"}, "Received: from x by y (CS4410MP3)\nNumber: x\n"};
  const ParsedRecords parsed = parse_records(format_record(tricky, 3, "n"));
  BOOST_REQUIRE(parsed.records.size() == 1u);
  BOOST_TEST(parsed.records[0].envelope.body == tricky.body);
}

BOOST_AUTO_TEST_CASE(a_torn_or_foreign_text_is_named) {
  const std::string whole = format_record(first, 1, "n") + format_record(second, 2, "n");
  const ParsedRecords torn = parse_records(whole.substr(0, whole.size() - 1));
  BOOST_TEST(torn.records.size() == 1u);
  BOOST_TEST(torn.problem == "message 2 has no end");
  BOOST_TEST(parse_records("hello\n").problem == "no record starts at byte 0");
  const std::string no_sender = "Received: from h by n (CS4410MP3)\nNumber: 1\nTo: a\n\n\n";
  BOOST_TEST(parse_records(no_sender).problem == "the head of message 1 is malformed");
}

BOOST_AUTO_TEST_CASE(a_reused_reader_keeps_nothing_of_the_text_before) {
  ParsedRecords reused;
  parse_records(format_record(first, 1, "n") + format_record(second, 2, "n"), reused);
  parse_records(format_record(second, 7, "m"), reused);
  BOOST_TEST(reused.problem == "");
  BOOST_REQUIRE(reused.records.size() == 1u);
  BOOST_TEST((reused.records[0] == ParsedRecord{7, "m", second}));
  parse_records("torn", reused);
  BOOST_TEST(reused.records.empty());
  BOOST_TEST(reused.problem == "no record starts at byte 0");
}

// mboxrd-style: a body line `>*Received: ` is stored with one more `>` and read back as sent.
BOOST_AUTO_TEST_CASE(a_body_cannot_forge_a_record) {
  const std::string forged = "Received: from x by n (CS4410MP3)\nNumber: 2\nFrom: a\nTo: b\n\nhi\n";
  const Envelope sneaky{"h", "a@b", {"c@d"}, "text\n\n" + forged};
  const std::string stored = format_record(sneaky, 1, "n");
  BOOST_TEST(stored.find("\n>Received: from x by n (CS4410MP3)\nNumber: 2\n") != std::string::npos);
  const ParsedRecords parsed = parse_records(stored);
  BOOST_TEST(parsed.problem == "");
  BOOST_REQUIRE(parsed.records.size() == 1u);
  BOOST_TEST(parsed.records[0].envelope.body == sneaky.body);
}

BOOST_AUTO_TEST_CASE(quoting_adds_one_level_and_reading_removes_one) {
  std::string scratch;
  BOOST_TEST(stored_body("Received: a\n>Received: b\n>>Received: c\n", scratch) ==
             ">Received: a\n>>Received: b\n>>>Received: c\n");
  BOOST_TEST(stored_body("x Received: a\n>Receive\n", scratch) == "x Received: a\n>Receive\n");
  std::string read;
  append_unquoted(read, ">Received: a\n>>Received: b\n>x\nReceived: c");
  BOOST_TEST(read == "Received: a\n>Received: b\n>x\nReceived: c");
  const std::string plain = "no such line\n>quoted text\n";  // stored byte for byte
  BOOST_TEST(stored_body(plain, scratch).data() == plain.data());
}
