// However a byte stream is cut into fragments, the session answers it the same: the same
// replies, the same messages in the mailbox, the same end state.
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <algorithm>

#include "property/stream_gen.hpp"
#include "support/harness.hpp"

namespace {

using postable::SessionConfig;
using postable::testing::Harness;

struct Outcome {
  std::string replies;
  std::string mailbox;
  bool closed;
};

SessionConfig small_limits() {
  SessionConfig config;
  config.message_bytes_max = 64;
  config.recipients_max = 3;
  return config;
}

Outcome run_split(const std::string& bytes, std::vector<std::size_t> cuts) {
  Harness harness(small_limits());
  std::sort(cuts.begin(), cuts.end());
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    cut = std::min(cut, bytes.size());
    if (cut > from) harness.feed(std::string_view(bytes).substr(from, cut - from));
    from = std::max(from, cut);
  }
  harness.feed(std::string_view(bytes).substr(from));
  harness.eof();
  return {harness.replies(), harness.mailbox(), harness.session().closed()};
}

Outcome run_chunked(const std::string& bytes, std::size_t chunk) {
  Harness harness(small_limits());
  harness.feed(bytes, chunk);
  harness.eof();
  return {harness.replies(), harness.mailbox(), harness.session().closed()};
}

// As the server reads a long body: in chunks, spilling what is held past `held_max`.
Outcome run_spilling(const std::string& bytes, std::size_t chunk, std::size_t held_max) {
  Harness harness(small_limits());
  harness.spill_past(held_max);
  harness.feed(bytes, chunk);
  harness.eof();
  RC_ASSERT(harness.spill_problem() == "");
  // What the session holds of a body: the limit, a chunk, and input kept behind a delivery.
  RC_ASSERT(harness.largest_spill() < held_max + 2 * chunk);
  if (harness.largest_spill() > 0) RC_TAG("spilled");
  return {harness.replies(), harness.mailbox(), harness.session().closed()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fragmentation)

RC_BOOST_PROP(any_fragmentation_gives_the_same_replies_and_mailbox, ()) {
  const std::string bytes = *postable::testing::gen_client_stream();
  const auto cuts = *rc::gen::container<std::vector<std::size_t>>(
      rc::gen::inRange<std::size_t>(0, bytes.size() + 1));
  const Outcome whole = run_chunked(bytes, bytes.size() + 1);
  const Outcome split = run_split(bytes, cuts);
  const Outcome bytewise = run_chunked(bytes, 1);
  RC_ASSERT(split.replies == whole.replies);
  RC_ASSERT(split.mailbox == whole.mailbox);
  RC_ASSERT(bytewise.replies == whole.replies);
  RC_ASSERT(bytewise.mailbox == whole.mailbox);
  RC_ASSERT(split.closed == whole.closed);
  RC_TAG(whole.mailbox.empty() ? "no message" : "messages stored");
}

// The server's spool takes a long body's front as it comes; stored, it is the same message.
RC_BOOST_PROP(a_body_spilled_in_pieces_is_stored_as_a_body_held_whole, ()) {
  const std::string bytes = *postable::testing::gen_client_stream();
  const auto chunk = *rc::gen::inRange<std::size_t>(1, 24);
  const auto held_max = *rc::gen::inRange<std::size_t>(1, 48);
  const Outcome whole = run_chunked(bytes, bytes.size() + 1);
  const Outcome spilled = run_spilling(bytes, chunk, held_max);
  RC_ASSERT(spilled.replies == whole.replies);
  RC_ASSERT(spilled.mailbox == whole.mailbox);
  RC_ASSERT(spilled.closed == whole.closed);
}

BOOST_AUTO_TEST_SUITE_END()
