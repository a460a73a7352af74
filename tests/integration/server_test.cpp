// The real smtpd over real sockets: the assignment's examples, timeouts, the pool and its
// backlog, flags and signals (the mailbox and its backups: server_mailbox_test.cpp).
#define BOOST_TEST_MODULE server
#define BOOST_TEST_DYN_LINK
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "core/record.hpp"
#include "integration/server_process.hpp"
#include "integration/smtp_steps.hpp"
#include "peer/line_client.hpp"

namespace {

using namespace postable;
using namespace postable::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Client = postable::peer::LineClient;

const std::string first_example_record =
    "Received: from client by netid (CS4410MP3)\nNumber: 1\nFrom: student@CS4410\n"
    "To: TA@CS4410\n\nI made an awesome submission!\nNetwork programming is fun\n\n";

// Connections waiting in the accept queue of the socket listening on `port`, as the
// kernel reports them (the Recv-Q of `ss -ltn`).
int accept_queue_length(int port) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the header
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, ":%04X", port);
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    if (state == "0A" && local.ends_with(wanted)) {
      return std::stoi(queues.substr(queues.find(':') + 1), nullptr, 16);
    }
  }
  return -1;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_assignment_examples_over_sockets) {
  ServerProcess server({"--name", "netid", "--timeout", "1"});
  {
    Client client(server.port());
    BOOST_TEST(client.reply().value() == "220 netid SMTP CS4410MP3");
    BOOST_TEST(client.ask("HELO client") == "250 netid");
    BOOST_TEST(client.ask("MAIL FROM: student@CS4410") == "250 2.1.0 OK");
    BOOST_TEST(client.ask("RCPT TO: TA@CS4410") == "250 2.1.5 OK");
    BOOST_TEST(client.ask("DATA") == "354 End data with <CR><LF>.<CR><LF>");
    client.send("I made an awesome submission!\r\nNetwork programming is fun\r\n.\r\n");
    BOOST_TEST(client.reply().value() == "250 OK: delivered message 1");
  }
  {
    Client client(server.port());
    BOOST_TEST(client.reply().value() == "220 netid SMTP CS4410MP3");
    BOOST_TEST(client.ask("HELO") == "501 Syntax:  HELO yourhostname");
    BOOST_TEST(client.ask("HELO clienthostname") == "250 netid");
    BOOST_TEST(client.ask("mkdir") == "502 5.5.2 Error: command not recognized");
    BOOST_TEST(client.ask("MAIL FROM: student @CS4410") ==
               "504 5.5.2 <student @CS4410>: Sender address rejected");
    BOOST_TEST(client.ask("MAIL FROM: student@CS4410") == "250 2.1.0 OK");
    BOOST_TEST(client.ask("MAIL FROM: professor@CS4410") == "503 5.5.1 Error: nested MAIL command");
    BOOST_TEST(client.ask("RCPT TO: TA @CS4410") ==
               "504 5.5.2 <TA @CS4410>: Recipient address invalid");
    BOOST_TEST(client.ask("RCPT TO: TA@CS4410") == "250 2.1.5 OK");
    BOOST_TEST(client.ask("DATA") == "354 End data with <CR><LF>.<CR><LF>");
    client.send_line("I'm going to send and wait");
    BOOST_TEST(client.reply(3s).value_or("") == "421 4.4.2 netid Error: timeout exceeded");
    BOOST_TEST(client.closed_by_server());
  }
  BOOST_TEST(server.stop() == 0);
  BOOST_TEST(server.read_file("mailbox") == first_example_record);
}

namespace {
// Timeouts at `--timeout 1` are never early and at most 0.5 s late; invalid commands and
// NOOP do not extend them, a step forward does.
void check_timeouts(const std::vector<std::string>& flags) {
  ServerProcess server(flags);
  // `before` is read before the server's clock can start, so a wait measured from it is never
  // shorter than the server's: `>= 1.0` shows it was not early. `after` is read once the
  // reply that started the clock has arrived, so a wait from it is never longer: `<= 1.5`
  // shows it was not late, whatever the machine did in between.
  {  // idle from the greeting
    const auto before = Clock::now();
    Client client(server.port());
    BOOST_REQUIRE(client.reply());
    const auto after = Clock::now();
    BOOST_TEST(client.reply(3s).value_or("") == "421 4.4.2 postable Error: timeout exceeded");
    BOOST_TEST(seconds_since(before) >= 1.0);
    BOOST_TEST(seconds_since(after) <= 1.5);
    BOOST_TEST(client.closed_by_server());
  }
  {  // an invalid command and a NOOP half-way do not restart the clock
    const auto before = Clock::now();
    Client client(server.port());
    BOOST_REQUIRE(client.reply());
    const auto after = Clock::now();
    std::this_thread::sleep_for(400ms);
    BOOST_TEST(client.ask("mkdir") == "502 5.5.2 Error: command not recognized");
    BOOST_TEST(client.ask("NOOP") == "250 2.0.0 OK");
    BOOST_TEST(client.reply(3s).value_or("") == "421 4.4.2 postable Error: timeout exceeded");
    BOOST_TEST(seconds_since(before) >= 1.0);
    BOOST_TEST(seconds_since(after) <= 1.5);
  }
  {  // a step forward does
    Client client(server.port());
    BOOST_REQUIRE(client.reply());
    std::this_thread::sleep_for(600ms);
    const auto before = Clock::now();
    BOOST_TEST(client.ask("HELO h") == "250 postable");
    const auto after = Clock::now();
    BOOST_TEST(client.reply(3s).value_or("") == "421 4.4.2 postable Error: timeout exceeded");
    BOOST_TEST(seconds_since(before) >= 1.0);
    BOOST_TEST(seconds_since(after) <= 1.5);
  }
  BOOST_TEST(server.stop() == 0);
}
}  // namespace

BOOST_AUTO_TEST_CASE(timeouts_fire_on_time_and_invalid_commands_do_not_extend_them) {
  check_timeouts({"--timeout", "1"});
}

// The same with no look for the next command: every wait is a sleep.
BOOST_AUTO_TEST_CASE(timeouts_fire_on_time_when_workers_sleep_at_once) {
  check_timeouts({"--timeout", "1", "--busy-poll", "0"});
}

namespace {

struct Lateness {
  std::string reply;
  double after_start = 0;  // the 421, measured from before the connection (never short)
  double late = 0;         // and beyond the deadline, from the greeting (never long)
};

// One client: greeted, a command that keeps the clock at `at` seconds into the step, silence.
Lateness wait_for_the_421(int port, double at, const std::string& command, double timeout) {
  Lateness seen;
  const auto before = Clock::now();
  Client client(port);
  if (!client.reply()) return seen;
  const auto greeted = Clock::now();
  std::this_thread::sleep_until(greeted + std::chrono::duration<double>(at));
  client.ask(command);
  seen.reply = client.reply(std::chrono::seconds(5)).value_or("");
  seen.after_start = seconds_since(before);
  seen.late = seconds_since(greeted) - timeout;
  return seen;
}

}  // namespace

// Whenever in a step the client last sent something that keeps the clock (NOOP, RSET, an
// error), the 421 comes at most 250 ms after the deadline: the coarse blocking wait must not
// be begun with too little time left (a planted bug, mutant_server_waits_too_long, is 0.4 s
// late when a NOOP comes midway).
BOOST_AUTO_TEST_CASE(the_421_comes_on_time_whenever_the_last_aside_command_came) {
  const double timeout = 2.0;
  ServerProcess server({"--timeout", "2"});
  const std::vector<double> moments{0.2, 0.6, 1.0, 1.3, 1.6, 1.9};
  const std::vector<std::string> commands{"NOOP", "RSET", "bogus"};
  std::vector<Lateness> seen(moments.size());
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < moments.size(); ++i) {
    clients.emplace_back([&, i] {
      seen[i] = wait_for_the_421(server.port(), moments[i], commands[i % 3], timeout);
    });
  }
  for (std::thread& client : clients) client.join();
  for (std::size_t i = 0; i < moments.size(); ++i) {
    BOOST_TEST(seen[i].reply == "421 4.4.2 postable Error: timeout exceeded");
    BOOST_TEST(seen[i].after_start >= timeout,
               "the 421 came early after a command at " << moments[i] << " s");
    BOOST_TEST(seen[i].late <= 0.25, "the 421 came " << seen[i].late << " s late after a "
                                                     << commands[i % 3] << " at " << moments[i]
                                                     << " s");
  }
  BOOST_TEST(server.stop() == 0);
}

BOOST_AUTO_TEST_CASE(surplus_connections_wait_in_the_kernel_backlog) {
  ServerProcess server({"--threads", "4"});
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<Client>(server.port()));
    BOOST_TEST(held.back()->reply().value_or("") == "220 postable SMTP CS4410MP3");
  }
  BOOST_TEST(accept_queue_length(server.port()) == 0);
  Client fifth(server.port());  // the kernel completes the handshake; nobody accepts it
  BOOST_TEST(!fifth.reply(500ms).has_value());
  BOOST_TEST(accept_queue_length(server.port()) == 1);  // it waits in the kernel, not in smtpd
  BOOST_TEST(held[2]->ask("QUIT") == "221 2.0.0 Bye");
  BOOST_TEST(fifth.reply(2s).value_or("") == "220 postable SMTP CS4410MP3");
  BOOST_TEST(fifth.ask("HELO fifth") == "250 postable");
  fifth.close();
  held.clear();
  BOOST_TEST(server.stop() == 0);
}

BOOST_AUTO_TEST_CASE(each_connection_logs_one_line_with_its_messages_and_last_row) {
  ServerProcess server({});
  {
    Client client(server.port());
    BOOST_REQUIRE(client.reply());
    BOOST_TEST(client.ask("HELO h") == "250 postable");
    BOOST_TEST(client.ask("QUIT") == "221 2.0.0 Bye");
  }
  BOOST_TEST(server.stop() == 0);
  const std::string log = server.log();
  BOOST_TEST(log.find(": 0 message(s); HELLO -> CLOSED on QUIT ok / 221\n") != std::string::npos,
             log);
}

BOOST_AUTO_TEST_CASE(bad_flags_and_start_up_failures_get_one_line_and_a_non_zero_exit) {
  const auto one_line = [](const std::string& text) {
    return !text.empty() && text.find('\n') == text.size() - 1;
  };
  const Finished bogus = run_smtpd({"--bogus"});
  BOOST_TEST(bogus.status == 2);
  BOOST_TEST(one_line(bogus.err), bogus.err);
  const Finished zero_threads = run_smtpd({"--threads", "0"});
  BOOST_TEST(zero_threads.status == 2);
  BOOST_TEST(one_line(zero_threads.err), zero_threads.err);
  const Finished negative_poll = run_smtpd({"--busy-poll", "-1"});
  BOOST_TEST(negative_poll.status == 2);
  BOOST_TEST(one_line(negative_poll.err), negative_poll.err);
  const Finished bad_port = run_smtpd({"--port", "70000"});
  BOOST_TEST(bad_port.status == 2);
  const Finished no_dir = run_smtpd({"--port", "0", "--dir", "/nonexistent/postable"});
  BOOST_TEST(no_dir.status == 1);
  BOOST_TEST(one_line(no_dir.err), no_dir.err);
  BOOST_TEST(no_dir.err.find("cannot open folder") != std::string::npos);
  const Finished bad_durability = run_smtpd({"--durability", "sometimes"});
  BOOST_TEST(bad_durability.status == 2);
  BOOST_TEST(one_line(bad_durability.err), bad_durability.err);
  ServerProcess running({});
  const Finished in_use = run_smtpd({"--port", std::to_string(running.port())});
  BOOST_TEST(in_use.status == 1);
  BOOST_TEST(one_line(in_use.err), in_use.err);
  BOOST_TEST(in_use.err.find("Address already in use") != std::string::npos);
  const Finished help = run_smtpd({"--help"});
  BOOST_TEST(help.status == 0);
  BOOST_TEST(help.out.find("--backup-every") != std::string::npos);
}
