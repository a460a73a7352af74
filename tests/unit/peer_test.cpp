// The client side's shared library: the forward path read from the table, the mirror that
// predicts every reply, and the reading of a delivered message's number.
#define BOOST_TEST_MODULE peer
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "peer/forward_path.hpp"
#include "peer/mirror.hpp"

namespace {

using namespace postable;
using namespace postable::peer;
using model::State;
using model::Verb;

}  // namespace

BOOST_AUTO_TEST_CASE(delivered_numbers_are_read_through_the_model_template) {
  const DeliveredReply delivered("postable");
  BOOST_TEST(delivered.number("250 OK: delivered message 42").value_or(0) == 42u);
  BOOST_TEST(!delivered.number("250 OK: delivered message").has_value());
  BOOST_TEST(!delivered.number("250 OK: delivered message 4x").has_value());
  BOOST_TEST(!delivered.number("250 2.1.5 OK").has_value());
}

BOOST_AUTO_TEST_CASE(owed_replies_come_out_line_by_line_in_order) {
  OwedReplies owed;
  owed.add("220 a\r\n250 b\r\n");
  BOOST_TEST(owed.front() == "220 a");
  owed.pop();
  owed.add("354 c\r\n");
  BOOST_TEST(owed.front() == "250 b");
  owed.pop();
  BOOST_TEST(owed.front() == "354 c");
  owed.pop();
  BOOST_TEST(owed.empty());
}

BOOST_AUTO_TEST_CASE(the_forward_path_is_read_from_the_table) {
  const ForwardStep& ready = forward_step(State::READY);
  BOOST_TEST((ready.advance == std::vector<Verb>{Verb::HELO, Verb::EHLO}));
  BOOST_TEST(!ready.repeat.has_value());
  BOOST_TEST((ready.quit == Verb::QUIT));
  BOOST_TEST(!ready.at_rest);
  BOOST_TEST(forward_step(State::HELLO).at_rest);  // where a stored message leads back
  BOOST_TEST((forward_step(State::HELLO).advance == std::vector<Verb>{Verb::MAIL}));
  BOOST_TEST((forward_step(State::MAIL).advance == std::vector<Verb>{Verb::RCPT}));
  BOOST_TEST((forward_step(State::RCPT).advance == std::vector<Verb>{Verb::DATA}));
  BOOST_TEST((forward_step(State::RCPT).repeat == Verb::RCPT));
  BOOST_TEST(forward_step(State::DATA).advance.empty());  // reads a message, not commands
}

BOOST_AUTO_TEST_CASE(the_first_command_state_is_where_the_greeting_leads) {
  BOOST_TEST((greeted_state() == State::READY));
}

BOOST_AUTO_TEST_CASE(a_timeout_heard_in_place_of_a_reply_closes_the_mirror) {
  Mirror mirror(SessionConfig{}, Instant{});
  mirror.send("HELO h\r\n", Instant{});
  mirror.heard_timeout(*mirror.session().deadline());
  BOOST_TEST(!mirror.owes());
  BOOST_TEST(mirror.session().closed());
  Mirror in_data(SessionConfig{}, Instant{});
  in_data.send("HELO h\r\nMAIL FROM: a@b\r\nRCPT TO: c@d\r\nDATA\r\nhi\r\n.\r\n", Instant{});
  in_data.heard_timeout(Instant{});  // the message's end was sent: its reply is still awaited
  BOOST_TEST(!in_data.owes());
  BOOST_TEST(in_data.session().awaiting_delivery());
}

BOOST_AUTO_TEST_CASE(a_script_sends_its_messages_then_quits) {
  Rng rng(5);
  ForwardScript script(1, ScriptStyle{0.0, 0.0});
  BOOST_TEST((script.next(State::READY, rng).verb == Verb::HELO));
  BOOST_TEST((script.next(State::HELLO, rng).verb == Verb::MAIL));
  BOOST_TEST((script.next(State::MAIL, rng).verb == Verb::RCPT));
  BOOST_TEST((script.next(State::RCPT, rng).verb == Verb::DATA));
  BOOST_TEST((script.next(State::HELLO, rng).verb == Verb::QUIT));
  ForwardScript chatty(1, ScriptStyle{1.0, 1.0});
  BOOST_TEST((chatty.next(State::READY, rng).verb == Verb::EHLO));
  const ScriptedVerb again = chatty.next(State::RCPT, rng);
  BOOST_TEST((again.verb == Verb::RCPT));
  BOOST_TEST(again.again);
}

BOOST_AUTO_TEST_CASE(the_mirror_owes_the_model_replies_and_reads_a_number) {
  Mirror mirror(SessionConfig{}, Instant{});
  BOOST_TEST(mirror.next_owed() == "220 postable SMTP CS4410MP3");
  BOOST_TEST((mirror.hear("220 other", Instant{}).kind == Heard::Kind::unexpected));
  BOOST_TEST((mirror.hear("220 postable SMTP CS4410MP3", Instant{}).kind == Heard::Kind::expected));
  mirror.send("HELO h\r\nMAIL FROM: a@b\r\nRCPT TO: c@d\r\nDATA\r\nhi\r\n.\r\nNOOP\r\n", Instant{});
  for (const char* line :
       {"250 postable", "250 2.1.0 OK", "250 2.1.5 OK", "354 End data with <CR><LF>.<CR><LF>"}) {
    BOOST_TEST((mirror.hear(line, Instant{}).kind == Heard::Kind::expected), line);
  }
  BOOST_TEST(!mirror.owes());  // the message's reply is the server's to word
  const Heard stored = mirror.hear("250 OK: delivered message 9", Instant{});
  BOOST_TEST((stored.kind == Heard::Kind::delivered));
  BOOST_TEST(stored.number == 9u);
  BOOST_TEST(mirror.last_message().body == "hi\n");
  BOOST_TEST(mirror.next_owed() == "250 2.0.0 OK");  // the NOOP held behind the message
  mirror.forget_owed();
  BOOST_TEST((mirror.hear("250 2.0.0 OK", Instant{}).kind == Heard::Kind::unasked));
}

BOOST_AUTO_TEST_CASE(the_mirror_takes_a_refusal_as_the_model_words_it) {
  Mirror mirror(SessionConfig{}, Instant{});
  mirror.forget_owed();
  mirror.send("HELO h\r\nMAIL FROM: a@b\r\nRCPT TO: c@d\r\nDATA\r\nhi\r\n.\r\n", Instant{});
  mirror.forget_owed();
  const Heard refused =
      mirror.hear("451 4.3.0 Error: message not stored, try again later", Instant{});
  BOOST_TEST((refused.kind == Heard::Kind::refused));
  Mirror other(SessionConfig{}, Instant{});
  other.forget_owed();
  other.send("HELO h\r\nMAIL FROM: a@b\r\nRCPT TO: c@d\r\nDATA\r\nhi\r\n.\r\n", Instant{});
  other.forget_owed();
  const Heard wrong = other.hear("250 OK", Instant{});
  BOOST_TEST((wrong.kind == Heard::Kind::unexpected));
  BOOST_TEST(wrong.wanted == "451 4.3.0 Error: message not stored, try again later");
}
