// The session's contract beyond its replies: the call order of session.hpp, deadlines,
// held-back pipelined input, the observer, and how rows are named in traces.
#define BOOST_TEST_MODULE session
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <vector>

#include "core/command.hpp"
#include "core/record.hpp"
#include "core/reply.hpp"
#include "core/session.hpp"
#include "core/table.hpp"
#include "support/harness.hpp"

namespace {

using namespace postable;
using namespace std::chrono_literals;
using postable::testing::take_output;

Instant at(Duration d) {
  return Instant{d};
}

}  // namespace

BOOST_AUTO_TEST_CASE(deadline_follows_the_steps_and_vanishes_while_storing) {
  Session session(SessionConfig{}, at(0s));
  BOOST_TEST((session.deadline() == at(10s)));
  session.feed("NOOP\r\n", at(4s));  // an aside does not restart the clock
  BOOST_TEST((session.deadline() == at(10s)));
  session.feed("HELO h\r\nMAIL FROM: a@b\r\nRCPT TO: c@d\r\n", at(5s));
  BOOST_TEST((session.deadline() == at(15s)));
  session.feed("DATA\r\nbody\r\n.\r\nNOOP\r\n", at(6s));
  BOOST_TEST(session.awaiting_delivery());
  BOOST_TEST(!session.wants_input());
  BOOST_TEST(!session.deadline().has_value());  // the store, not the client, is waited for
  const auto envelope = session.take_delivery();
  BOOST_REQUIRE(envelope.has_value());
  BOOST_TEST(envelope->helo == "h");
  BOOST_TEST(envelope->sender == "a@b");
  BOOST_TEST((envelope->recipients == std::vector<std::string>{"c@d"}));
  BOOST_TEST(envelope->body == "body\n");
  BOOST_TEST(!session.take_delivery().has_value());  // handed out once
  session.on_delivered(7, at(8s));
  BOOST_TEST((session.deadline() == at(18s)));
  // The NOOP that was pipelined behind the message ran once it was stored.
  BOOST_TEST(take_output(session).ends_with("250 OK: delivered message 7\r\n250 2.0.0 OK\r\n"));
}

BOOST_AUTO_TEST_CASE(bytes_after_the_deadline_time_out_instead) {
  Session session(SessionConfig{}, at(0s));
  take_output(session);
  session.feed("HELO h\r\n", at(10s));
  BOOST_TEST(session.closed());
  BOOST_TEST(take_output(session) == "421 4.4.2 postable Error: timeout exceeded\r\n");
}

BOOST_AUTO_TEST_CASE(the_observer_sees_every_row_by_name) {
  std::vector<std::string> trace;
  Session session(SessionConfig{}, at(0s),
                  [&trace](const model::Row& row) { trace.push_back(describe(row)); });
  session.feed("HELO h\r\nbogus\r\nQUIT\r\n", at(1s));
  const std::vector<std::string> expected{
      "CONNECTED -> READY on greet ok / 220", "READY -> HELLO on HELO ok / 250",
      "HELLO -> HELLO on unknown ok / 502", "HELLO -> CLOSED on QUIT ok / 221"};
  BOOST_TEST(trace == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(classify_reports_facts_not_decisions) {
  const Command mail = classify("  mail from : <a@b>  ", false);
  BOOST_TEST((mail.input == model::input_of(model::Verb::MAIL)));
  BOOST_TEST((mail.outcome == Outcome::ok));
  BOOST_TEST(mail.arg == "<a@b>");
  BOOST_TEST((classify("RCPT TO: a b", false).outcome == Outcome::badarg));
  BOOST_TEST((classify("RCPT", false).outcome == Outcome::syntax));
  BOOST_TEST((classify("NOOP", true).input == model::input_of(Event::unknown)));
  BOOST_TEST((classify("NOOP", false).input == model::input_of(model::Verb::NOOP)));
  BOOST_TEST((classify("", false).input == model::input_of(Event::unknown)));
}

BOOST_AUTO_TEST_CASE(a_record_has_the_layout_of_the_spec) {
  const Envelope envelope{"client", "student@CS4410", {"TA@CS4410", "prof@CS4410"}, "a\n\nb\n"};
  BOOST_TEST(format_record(envelope, 12, "netid") ==
             "Received: from client by netid (CS4410MP3)\nNumber: 12\nFrom: student@CS4410\n"
             "To: TA@CS4410\nTo: prof@CS4410\n\na\n\nb\n\n");
}

BOOST_AUTO_TEST_CASE(a_failed_store_answers_451_and_takes_no_number) {
  Session session(SessionConfig{}, at(0s));
  session.feed("HELO h\r\nMAIL FROM: a@b\r\nRCPT TO: c@d\r\nDATA\r\nx\r\n.\r\n", at(1s));
  take_output(session);
  BOOST_REQUIRE(session.take_delivery().has_value());
  session.on_delivery_failed(at(2s));
  BOOST_TEST(take_output(session) == "451 4.3.0 Error: message not stored, try again later\r\n");
  BOOST_TEST((session.state() == model::State::HELLO));
}

BOOST_AUTO_TEST_CASE(a_delivered_body_storage_is_read_into_again_unless_it_is_large) {
  Session session(SessionConfig{}, at(0s));
  const std::string line(1000, 'x');
  std::string body;
  for (int i = 0; i < 50; ++i) body += line + "\r\n";
  session.feed("HELO h\r\nMAIL FROM: a@b\r\nRCPT TO: c@d\r\nDATA\r\n" + body + ".\r\n", at(1s));
  std::optional<Envelope> first = session.take_delivery();
  BOOST_REQUIRE(first.has_value());
  const char* storage = first->body.data();
  session.on_delivered(1, at(1s));
  session.reuse_body_storage(std::move(first->body));
  session.feed("MAIL FROM: a@b\r\nRCPT TO: c@d\r\nDATA\r\nshort\r\n.\r\n", at(2s));
  const std::optional<Envelope> second = session.take_delivery();
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(second->body == "short\n");
  BOOST_TEST(second->body.data() == storage);  // the same storage, not a new string
  session.on_delivered(2, at(2s));

  // A storage over the bound is let go: the session's memory stays that of one line.
  std::string large;
  large.reserve(Framer::reused_body_bytes_max + 1);
  session.reuse_body_storage(std::move(large));
  BOOST_TEST(session.buffered_bytes() < 64 * 1024);
}
