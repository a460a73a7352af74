// A bounded exhaustive check of the protocol table: every sequence of inputs from an
// alphabet, up to a length, goes to the real Session (driven by the generated table) and to
// the hand-written ReferenceSession; every reply and the mailbox must agree after every step.
// Two alphabets: the transaction's own steps (with NOOP, RSET, QUIT and an unknown verb) to
// length 8, deep enough for the recipient limit and two messages; and every verb with each kind of
// bad argument to length 5. Sequences stop at a closed session.
#define BOOST_TEST_MODULE table_exhaustive
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "property/reference_session.hpp"
#include "support/harness.hpp"
#include "support/transcript.hpp"

namespace {

using postable::SessionConfig;
using postable::testing::Harness;
using postable::testing::printable;
using postable::testing::ReferenceSession;

constexpr const char* message = "<message>";  // the input that sends a one-line message

struct Pair {
  Harness real;
  ReferenceSession reference;
  std::size_t replies_read = 0;
};

class Walk {
 public:
  Walk(std::vector<std::string> alphabet, int length, bool strict)
      : alphabet_(std::move(alphabet)), length_(length), strict_(strict) {}

  // Returns a shortest sequence that ends in a disagreement (the lengths are tried in
  // turn), and the disagreement; empty if there is none.
  std::string run() {
    ReferenceSession::Config reference_config;
    reference_config.strict = strict_;
    SessionConfig config;
    config.strict = strict_;
    config.recipients_max = reference_config.recipients_max;
    config.message_bytes_max = reference_config.message_bytes_max;
    config.timeout = std::chrono::milliseconds(reference_config.timeout_ms);
    Pair start{Harness(config), ReferenceSession(reference_config)};
    const std::string greeting = start.reference.greeting();
    start.replies_read = start.real.replies().size();
    if (start.real.replies() != greeting) return "the greetings differ";
    for (limit_ = 1; limit_ <= length_ && wrong_.empty(); ++limit_) {
      sequences_ = 0;
      std::vector<std::string> path;
      visit(start, path);
    }
    return wrong_;
  }

  std::uint64_t sequences() const { return sequences_; }

 private:
  void visit(const Pair& at, std::vector<std::string>& path) {
    ++sequences_;
    if (!wrong_.empty() || int(path.size()) == limit_ || at.reference.closed()) return;
    for (const std::string& input : alphabet_) {
      const bool is_message = input == message;
      if (is_message != at.reference.in_data()) continue;  // a message only after DATA's 354
      Pair next = at;
      std::string expected;
      if (is_message) {
        expected = next.reference.message({"hello"});
        next.real.feed("hello\r\n.\r\n");
      } else {
        expected = next.reference.command(input);
        next.real.feed(input + "\r\n");
      }
      const std::string got = next.real.replies().substr(next.replies_read);
      next.replies_read = next.real.replies().size();
      path.push_back(input);
      if (got != expected || next.real.mailbox() != next.reference.mailbox() ||
          next.real.session().closed() != next.reference.closed()) {
        wrong_ = "after";
        for (const std::string& step : path) wrong_ += " [" + printable(step) + "]";
        wrong_ += ": expected `" + printable(expected) + "`, got `" + printable(got) + "`";
        return;
      }
      visit(next, path);
      path.pop_back();
    }
  }

  std::vector<std::string> alphabet_;
  int length_;
  int limit_ = 0;  // the length tried now
  bool strict_;
  std::uint64_t sequences_ = 0;
  std::string wrong_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(every_transaction_of_up_to_eight_steps_answers_as_the_reference) {
  Walk walk({"HELO h", "EHLO h", "MAIL FROM: a@b", "RCPT TO: r@s", "DATA", message, "NOOP", "RSET",
             "QUIT", "mkdir"},
            8, false);
  BOOST_TEST(walk.run() == "");
  BOOST_TEST_MESSAGE(walk.sequences() << " sequences");
  BOOST_TEST(walk.sequences() > 1'000'000u);
}

BOOST_AUTO_TEST_CASE(every_verb_and_bad_argument_up_to_five_steps_answers_as_the_reference) {
  const std::vector<std::string> alphabet = {
      "HELO h",         "HELO",     "HELO a b",     "EHLO h",
      "MAIL FROM: a@b", "MAIL",     "MAIL FROM a",  "MAIL FROM: a\x01z",
      "RCPT TO: r@s",   "RCPT TO:", "RCPT TO: a b", "DATA",
      "DATA now",       message,    "NOOP",         "RSET x",
      "QUIT",           ""};
  for (const bool strict : {false, true}) {
    Walk walk(alphabet, 5, strict);
    const std::string wrong = walk.run();
    BOOST_TEST(wrong == "", "strict " << strict << ": " << wrong);
    BOOST_TEST(walk.sequences() > 100'000u);
  }
}
