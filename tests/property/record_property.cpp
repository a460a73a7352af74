// Whatever the bodies hold, the mailbox file reads back as exactly the records written: the
// same number of records, each with its number, envelope and body, byte for byte. Bodies are
// built from the lines most likely to fool a reader: record heads (quoted or not), `Number:`
// lines, empty lines, and lines that almost start a record. The body quoted in pieces, as a
// body too long to hold is written out, comes out as the body quoted whole.
#define BOOST_TEST_MODULE record_property
#define BOOST_TEST_DYN_LINK
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/body_quoting.hpp"
#include "core/record.hpp"
#include "property/envelope_gen.hpp"

namespace {

using namespace postable;
using postable::testing::envelope;

}  // namespace

RC_BOOST_PROP(records_read_back_exactly_as_written, ()) {
  const auto envelopes =
      *rc::gen::container<std::vector<Envelope>>(*rc::gen::inRange(0, 5), envelope());
  std::string file;
  for (std::size_t i = 0; i < envelopes.size(); ++i)
    append_record(file, envelopes[i], i + 1, "postable");
  const ParsedRecords parsed = parse_records(file);
  RC_ASSERT(parsed.problem == "");
  RC_ASSERT(parsed.records.size() == envelopes.size());
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    RC_ASSERT(parsed.records[i] == (ParsedRecord{i + 1, "postable", envelopes[i]}));
  }
}

namespace {

// The format's rule read plainly, line by line: a line that is `>`s and then `Received: ` gets
// one more `>` in front.
std::string reference_quoted(std::string_view body) {
  std::string out;
  for (std::size_t at = 0; at < body.size();) {
    const std::size_t end = std::min(body.find('\n', at), body.size());
    const std::string_view line = body.substr(at, end - at);
    const std::size_t quotes = std::min(line.find_first_not_of('>'), line.size());
    if (line.substr(quotes).starts_with("Received: ")) out += '>';
    out.append(body.substr(at, std::min(end + 1, body.size()) - at));
    at = end + 1;
  }
  return out;
}

}  // namespace

// Whatever the body and wherever it is cut, quoting it piece by piece, or whole, gives the
// bytes the rule says. Lines are made of runs of `>`, parts of `Received: ` and text, so that
// cuts fall inside a marker and inside a run of `>`.
RC_BOOST_PROP(a_body_quoted_in_pieces_is_stored_as_one_quoted_whole, ()) {
  const auto parts = *rc::gen::container<std::vector<std::string>>(rc::gen::element<std::string>(
      ">", ">>>", "Received: ", "Rec", "eived: ", "Received:", " ", "x", "\n", "\n\n", "r"));
  std::string body;
  for (const std::string& part : parts) body += part;
  std::string scratch;
  const std::string whole(stored_body(body, scratch));
  BodyQuoter quoter;
  std::string pieces;
  std::string_view rest = body;
  while (!rest.empty()) {
    const auto cut = std::size_t(*rc::gen::inRange<int>(1, int(rest.size()) + 1));
    quoter.feed(rest.substr(0, cut), pieces);
    rest.remove_prefix(cut);
  }
  quoter.finish(pieces);
  RC_ASSERT(whole == reference_quoted(body));
  RC_ASSERT(pieces == whole);
}
