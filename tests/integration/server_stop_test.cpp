// The real smtpd's limits on a session and its stop (protocol.md, "Limits on a session" and
// "Shutdown"): a client that only chatters is closed, and a client that keeps delivering
// cannot keep a stopped server running.
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <thread>

#include "integration/server_process.hpp"
#include "integration/smtp_steps.hpp"

namespace {

using namespace postable::testing;
using namespace std::chrono_literals;

const std::string shutting_down = "421 4.3.2 postable Error: shutting down";

// A client just connected, greeted and then inside a message (HELO, MAIL, RCPT and
// DATA accepted).
void start_a_message(Client& client, const std::string& helo) {
  BOOST_REQUIRE(client.reply());
  BOOST_REQUIRE(client.ask("HELO " + helo) == "250 postable");
  BOOST_REQUIRE(client.ask("MAIL FROM: a@b") == "250 2.1.0 OK");
  BOOST_REQUIRE(client.ask("RCPT TO: c@d") == "250 2.1.5 OK");
  BOOST_REQUIRE(client.ask("DATA").rfind("354", 0) == 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(limits_and_stop)

BOOST_AUTO_TEST_CASE(a_client_that_only_makes_mistakes_is_closed_at_the_error_limit) {
  ServerProcess server({"--error-limit", "5"});
  Client client(server.port());
  BOOST_REQUIRE(client.reply());
  for (int i = 0; i < 4; ++i) BOOST_TEST(client.ask("bogus").rfind("502", 0) == 0);
  BOOST_TEST(client.ask("bogus").rfind("502", 0) == 0);
  BOOST_TEST(client.reply(2s).value_or("") == "421 4.7.0 postable Error: too many errors");
  BOOST_TEST(client.closed_by_server(2s));
  BOOST_TEST(server.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_client_that_only_says_noop_is_closed_past_the_junk_limit) {
  ServerProcess server({"--error-limit", "3", "--junk-limit", "10"});
  Client client(server.port());
  BOOST_REQUIRE(client.reply());
  for (int i = 0; i < 12; ++i) BOOST_TEST(client.ask(i % 2 ? "RSET" : "NOOP") == "250 2.0.0 OK");
  BOOST_TEST(client.ask("NOOP") == "250 2.0.0 OK");  // the third past the limit
  BOOST_TEST(client.reply(2s).value_or("") == "421 4.7.0 postable Error: too many errors");
  BOOST_TEST(client.closed_by_server(2s));
  BOOST_TEST(server.stop() == 0);
}

// The operator's complaint: a client delivering every half second kept a stopped server
// running for as long as it liked.
BOOST_AUTO_TEST_CASE(a_client_that_keeps_delivering_cannot_keep_a_stopped_server_running) {
  ServerProcess server({});
  Client client(server.port());
  BOOST_REQUIRE(client.reply());
  BOOST_REQUIRE(client.ask("HELO h") == "250 postable");
  int delivered = 0;
  Clock::time_point stopped_at{};
  std::string last;
  for (int i = 0; i < 20; ++i) {
    last = send_message(client, "a@b", "c@d", {"message " + std::to_string(i)});
    if (last.rfind("250 OK: delivered message", 0) != 0) break;
    if (++delivered == 3) {
      server.terminate();
      stopped_at = Clock::now();
    }
    std::this_thread::sleep_for(500ms);
  }
  // The stop came while the client slept between messages: the 421 was waiting for it.
  BOOST_TEST(last == "MAIL refused");
  BOOST_TEST(delivered == 3);
  BOOST_TEST(server.wait(5s) == 0);
  BOOST_TEST(seconds_since(stopped_at) < 1.5);
  BOOST_TEST(numbers_in(server.read_file("mailbox")) == range(1, 3));
  BOOST_TEST(server.log().find("stopping") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_stop_tells_waiting_sessions_at_once_and_lets_a_message_end) {
  ServerProcess server({"--drain", "5"});
  Client idle(server.port());
  BOOST_REQUIRE(idle.reply());
  BOOST_REQUIRE(idle.ask("HELO h") == "250 postable");
  Client writing(server.port());
  start_a_message(writing, "w");
  writing.send("first line\r\n");
  const auto stopped_at = Clock::now();
  server.terminate();
  BOOST_TEST(idle.reply(1s).value_or("") == shutting_down);
  BOOST_TEST(seconds_since(stopped_at) < 0.5);
  BOOST_TEST(idle.closed_by_server(1s));
  std::this_thread::sleep_for(300ms);  // the message goes on after the stop
  writing.send("last line\r\n.\r\n");
  BOOST_TEST(writing.reply(2s).value_or("") == "250 OK: delivered message 1");
  BOOST_TEST(writing.reply(2s).value_or("") == shutting_down);
  BOOST_TEST(server.wait(5s) == 0);
  BOOST_TEST(seconds_since(stopped_at) < 2.0);
  BOOST_TEST(server.read_file("mailbox").ends_with("\n\nfirst line\nlast line\n\n"));
}

BOOST_AUTO_TEST_CASE(a_message_that_outlasts_the_drain_is_cut_off_and_not_stored) {
  ServerProcess server({"--drain", "1"});
  Client writing(server.port());
  start_a_message(writing, "w");
  const auto stopped_at = Clock::now();
  server.terminate();
  std::optional<std::string> heard;
  for (int i = 0; i < 30 && !heard; ++i) {  // a line every 100 ms: the message never ends
    writing.send("more\r\n");
    heard = writing.reply(100ms);
  }
  BOOST_TEST(heard.value_or("") == shutting_down);
  BOOST_TEST(seconds_since(stopped_at) > 0.9);
  BOOST_TEST(seconds_since(stopped_at) < 1.6);
  BOOST_TEST(server.wait(5s) == 0);
  BOOST_TEST(server.read_file("mailbox").empty());
}

// A client that hangs up inside a message while the server drains: its session ends there,
// and the server does not wait out the drain for it.
BOOST_AUTO_TEST_CASE(a_hang_up_inside_a_message_during_the_drain_ends_the_session_at_once) {
  ServerProcess server({"--drain", "5"});
  Client writing(server.port());
  start_a_message(writing, "w");
  writing.send("part of a message\r\n");
  const auto stopped_at = Clock::now();
  server.terminate();
  std::this_thread::sleep_for(200ms);
  writing.close();
  BOOST_TEST(server.wait(6s) == 0);
  BOOST_TEST(seconds_since(stopped_at) < 1.5);
  BOOST_TEST(server.read_file("mailbox").empty());
}

// With every worker busy (--threads 2: one session greeted, one after HELO) and a third
// client in the kernel's backlog, a stop by either signal tells both sessions at once (the
// acceptor, asleep waiting for an idle worker, sees it too), closes the backlog connection
// without a reply, and exits 0.
BOOST_AUTO_TEST_CASE(a_stop_with_every_worker_busy_tells_every_session_at_once) {
  for (const int number : {SIGTERM, SIGINT}) {
    ServerProcess server({"--threads", "2", "--drain", "5"});
    Client greeted(server.port());
    BOOST_REQUIRE(greeted.reply());
    Client after_helo(server.port());
    BOOST_REQUIRE(after_helo.reply());
    BOOST_REQUIRE(after_helo.ask("HELO h") == "250 postable");
    Client waiting(server.port());
    BOOST_TEST(!waiting.reply(300ms).has_value(), "no worker is idle: no greeting");
    const auto stopped_at = Clock::now();
    server.signal(number);
    BOOST_TEST(greeted.reply(1s).value_or("") == shutting_down, "signal " << number);
    BOOST_TEST(after_helo.reply(1s).value_or("") == shutting_down, "signal " << number);
    BOOST_TEST(seconds_since(stopped_at) < 1.0, "signal " << number);
    BOOST_TEST(server.wait(5s) == 0, "signal " << number);
    BOOST_TEST(!waiting.reply(1s).has_value(), "the backlog is closed unanswered");
    BOOST_TEST(waiting.closed_by_server(1s));
  }
}

// A message finished during the drain that completes a group gets its 250, then the 421, and
// the group's backup is made before the server exits.
BOOST_AUTO_TEST_CASE(a_group_completed_during_the_drain_is_backed_up_before_the_exit) {
  ServerProcess server({"--backup-every", "2", "--drain", "5"});
  Client writing(server.port());
  BOOST_REQUIRE(writing.reply());
  BOOST_REQUIRE(writing.ask("HELO h") == "250 postable");
  BOOST_REQUIRE(send_message(writing, "a@b", "c@d", {"one"}) == "250 OK: delivered message 1");
  BOOST_REQUIRE(writing.ask("MAIL FROM: a@b") == "250 2.1.0 OK");
  BOOST_REQUIRE(writing.ask("RCPT TO: c@d") == "250 2.1.5 OK");
  BOOST_REQUIRE(writing.ask("DATA").rfind("354", 0) == 0);
  writing.send("two\r\n");
  server.terminate();
  std::this_thread::sleep_for(200ms);  // the message goes on after the stop
  writing.send(".\r\n");
  BOOST_TEST(writing.reply(2s).value_or("") == "250 OK: delivered message 2");
  BOOST_TEST(writing.reply(2s).value_or("") == shutting_down);
  BOOST_TEST(server.wait(5s) == 0);
  BOOST_TEST(numbers_in(server.read_file("mailbox.1-2")) == range(1, 2));
  BOOST_TEST(server.read_file("mailbox").empty());
}

BOOST_AUTO_TEST_SUITE_END()
