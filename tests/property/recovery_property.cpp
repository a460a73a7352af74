// Recovery over the live file alone, against what a crash can leave of it: records appended,
// the first `durable` of them synced (each may have had its 250), the rest cut at any byte and
// perhaps followed by zeros up to any later size (the size on disk before the data). Recovery
// keeps exactly the records whose 250 could have been sent: every record whole in what
// survived, and of the one cut, at most the reading the format cannot tell from a whole
// record (cut right after an empty body line). And a file that is not ours is refused at
// byte 0, whatever follows it.
#define BOOST_TEST_MODULE recovery_property
#define BOOST_TEST_DYN_LINK
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "core/record.hpp"
#include "core/recovery.hpp"
#include "property/envelope_gen.hpp"

namespace {

using namespace postable;

// Envelopes whose bodies may also hold NUL bytes, as a client may send them.
rc::Gen<Envelope> envelope_with_zeros() {
  return rc::gen::map(rc::gen::pair(testing::envelope(), rc::gen::inRange(0, 3)),
                      [](std::pair<Envelope, int> drawn) {
                        if (drawn.second == 1) drawn.first.body += std::string(3, '\0') + "\n";
                        if (drawn.second == 2) drawn.first.body += "\n" + std::string(2, '\0');
                        if (drawn.second == 2) drawn.first.body += "\n";
                        return drawn.first;
                      });
}

std::variant<RecoveryPlan, RecoveryError> recover_live(const std::string& bytes) {
  return plan_recovery({examine_mailbox_file("mailbox", 1, bytes)});
}

// Whether `kept` is `sent` read from a copy cut right after one of its body's empty lines.
bool cut_after_an_empty_line(const ParsedRecord& kept, const Envelope& sent) {
  return kept.envelope.helo == sent.helo && kept.envelope.sender == sent.sender &&
         kept.envelope.recipients == sent.recipients && sent.body.starts_with(kept.envelope.body) &&
         kept.envelope.body.size() < sent.body.size() &&
         sent.body[kept.envelope.body.size()] == '\n';
}

}  // namespace

RC_BOOST_PROP(recovery_keeps_exactly_the_records_whose_250_could_have_been_sent, ()) {
  const auto sent =
      *rc::gen::container<std::vector<Envelope>>(*rc::gen::inRange(1, 6), envelope_with_zeros());
  std::string file;
  std::vector<std::size_t> ends;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    append_record(file, sent[i], i + 1, "postable");
    ends.push_back(file.size());
  }
  const std::size_t durable = *rc::gen::inRange<std::size_t>(0, sent.size() + 1);
  const std::size_t durable_bytes = durable == 0 ? 0 : ends[durable - 1];
  const std::size_t kept = *rc::gen::inRange(durable_bytes, file.size() + 1);
  const std::size_t size = *rc::gen::element(kept, *rc::gen::inRange(kept, file.size() + 1));
  const std::string crashed = file.substr(0, kept) + std::string(size - kept, '\0');
  RC_TAG(size > kept ? "zeros" : "no zeros");

  const auto recovery = recover_live(crashed);
  if (const auto* refused = std::get_if<RecoveryError>(&recovery)) RC_FAIL(refused->line());
  const RecoveryPlan& plan = std::get<RecoveryPlan>(recovery);
  std::size_t whole = 0;
  while (whole < ends.size() && ends[whole] <= kept) ++whole;
  RC_ASSERT(plan.stored >= whole);
  RC_ASSERT(plan.stored <= whole + 1);
  const ParsedRecords read = parse_records(std::string_view(crashed).substr(0, plan.live_bytes));
  RC_ASSERT(read.problem == "");
  RC_ASSERT(read.records.size() == plan.stored);
  for (std::size_t i = 0; i < whole; ++i) {
    RC_ASSERT(read.records[i] == (ParsedRecord{i + 1, "postable", sent[i]}));
  }
  if (plan.stored == whole + 1) {
    RC_TAG("cut after an empty body line");
    RC_ASSERT(cut_after_an_empty_line(read.records[whole], sent[whole]));
  } else {
    RC_ASSERT(plan.live_bytes == (whole == 0 ? 0 : ends[whole - 1]));
  }
}

RC_BOOST_PROP(a_file_that_is_not_ours_is_refused_at_byte_0, ()) {
  const std::string first_line = *rc::gen::element<std::string>(
      "From alice@example.org Mon Jan  1 00:00:00 2024", "Return-Path: <a@b>", "Subject: hi",
      "Received: by mx.example.org", "Received: from mx ([10.0.0.1]) by mail.example.org",
      ">Received: from x by postable (CS4410MP3)", "hello", std::string(3, '\0') + "x", " ");
  const auto lines = *rc::gen::container<std::vector<std::string>>(testing::body_line());
  std::string file = first_line + "\n";
  for (const std::string& line : lines) file += line + "\n";
  const auto after = *rc::gen::container<std::vector<Envelope>>(testing::envelope());
  for (std::size_t i = 0; i < after.size(); ++i) append_record(file, after[i], i + 1, "postable");
  file += std::string(*rc::gen::inRange(0, 3), '\0');

  const auto recovery = recover_live(file);
  RC_ASSERT(std::holds_alternative<RecoveryError>(recovery));
  RC_ASSERT(std::get<RecoveryError>(recovery).offset == 0u);
}
