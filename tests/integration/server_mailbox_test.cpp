// The real smtpd over real sockets, its mailbox: backups, concurrent delivery, disconnects,
// a real client, a failed write.
#define BOOST_TEST_DYN_LINK
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <map>
#include <thread>

#include "integration/server_process.hpp"
#include "integration/smtp_steps.hpp"

namespace {

using namespace postable::testing;
using namespace std::chrono_literals;

}  // namespace

BOOST_AUTO_TEST_CASE(every_32_messages_move_to_a_backup_file) {
  ServerProcess server({});
  Client client(server.port());
  BOOST_REQUIRE(client.reply());
  BOOST_TEST(client.ask("HELO h") == "250 postable");
  for (int n = 1; n <= 64; ++n) {
    const std::string reply = send_message(client, "a@b", "c@d", {"message " + std::to_string(n)});
    BOOST_REQUIRE(reply == "250 OK: delivered message " + std::to_string(n));
  }
  BOOST_TEST(eventually_exists(server, "mailbox.33-64"));
  BOOST_TEST(numbers_in(server.read_file("mailbox.1-32")) == range(1, 32));
  BOOST_TEST(numbers_in(server.read_file("mailbox.33-64")) == range(33, 64));
  for (int n = 65; n <= 70; ++n) {
    BOOST_TEST(send_message(client, "a@b", "c@d", {"m"}) ==
               "250 OK: delivered message " + std::to_string(n));
  }
  BOOST_TEST(client.ask("QUIT") == "221 2.0.0 Bye");
  BOOST_TEST(server.stop() == 0);
  BOOST_TEST(numbers_in(server.read_file("mailbox")) == range(65, 70));
  BOOST_TEST(!server.file_exists("mailbox.65-96"));
  BOOST_TEST(server.read_file("mailbox.1-32").find("\n\nmessage 7\n\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(thirty_two_clients_of_twenty_messages_each_number_1_to_640) {
  ServerProcess server({"--quiet"});
  constexpr int clients = 32;
  constexpr int each = 20;
  std::vector<std::map<int, std::string>> given(clients);  // number -> body, per client
  std::vector<std::string> failures(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      try {
        Client client(server.port());
        client.reply();
        client.ask("HELO client" + std::to_string(c));
        for (int m = 0; m < each; ++m) {
          const std::string body = "client " + std::to_string(c) + " message " + std::to_string(m);
          const std::string reply = send_message(client, "a@b", "c@d", {body});
          const std::string prefix = "250 OK: delivered message ";
          if (reply.rfind(prefix, 0) != 0) throw std::runtime_error("got " + reply);
          given[c][std::stoi(reply.substr(prefix.size()))] = body;
        }
        client.ask("QUIT");
      } catch (const std::exception& e) {
        failures[c] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& failure : failures) BOOST_TEST(failure == "");
  BOOST_TEST(server.stop() == 0);
  std::string all;
  for (int first = 1; first <= clients * each; first += 32) {
    const std::string name = "mailbox." + std::to_string(first) + "-" + std::to_string(first + 31);
    const std::string text = server.read_file(name);
    BOOST_TEST(numbers_in(text) == range(first, first + 31), name);
    all += text;
  }
  BOOST_TEST(server.read_file("mailbox") == "");
  for (int c = 0; c < clients; ++c) {
    BOOST_TEST(given[c].size() == std::size_t(each));
    for (const auto& [number, body] : given[c]) {
      const std::string expected =
          "Number: " + std::to_string(number) + "\nFrom: a@b\nTo: c@d\n\n" + body + "\n\n";
      BOOST_TEST(all.find(expected) != std::string::npos, "message " << number << " of " << c);
    }
  }
}

// The server writes a body from where it lies unless a line needs quoting: both paths.
BOOST_AUTO_TEST_CASE(a_body_cannot_forge_a_record_in_the_file) {
  ServerProcess server({});
  Client client(server.port());
  client.reply();
  client.ask("HELO h");
  const std::vector<std::string> forged{"Received: from x by postable (CS4410MP3)",
                                        "Number: 9",
                                        "From: x",
                                        "To: y",
                                        "",
                                        "not delivered"};
  BOOST_TEST(send_message(client, "a@b", "c@d", forged) == "250 OK: delivered message 1");
  BOOST_TEST(send_message(client, "a@b", "c@d", {"plain"}) == "250 OK: delivered message 2");
  client.close();
  BOOST_TEST(server.stop() == 0);
  const std::string mailbox = server.read_file("mailbox");
  BOOST_TEST(numbers_in(mailbox) == range(1, 2));
  BOOST_TEST(mailbox.find("\n>Received: from x by postable (CS4410MP3)\nNumber: 9\n") !=
             std::string::npos);
}

namespace {

// smtpd with a backup every 4 messages, killed by strace at the backup's rename number `when`
// (1: of `mailbox.1-4.partial` over `mailbox.1-4`; 2: of `mailbox.next` over `mailbox`), after
// it acknowledged messages 1..3 and stored 4 (whose 250 the kill may beat: the backup thread
// can run the group's sync and move it before the delivery's thread replies); then a new
// smtpd started on the folder (no --resume) and stopped. Returns the mailbox files the folder
// then holds, by name.
std::map<std::string, std::string> crash_at_backup_rename_then_start(int when) {
  ServerProcess first({"--backup-every", "4"},
                      {"strace", "-f", "-o", "/dev/null", "-e", "trace=renameat", "-e",
                       "inject=renameat:signal=SIGKILL:when=" + std::to_string(when)});
  Client client(first.port());
  client.reply();
  client.ask("HELO h");
  for (int n = 1; n <= 3; ++n) {
    BOOST_TEST(send_message(client, "a@b", "c@d", {"message " + std::to_string(n)}) ==
               "250 OK: delivered message " + std::to_string(n));
  }
  const std::string fourth = send_message(client, "a@b", "c@d", {"message 4"});
  BOOST_TEST((fourth == "250 OK: delivered message 4" || fourth.empty()), fourth);
  BOOST_TEST(client.closed_by_server(), "smtpd was not killed at rename " << when);
  first.stop();
  ServerProcess second({"--backup-every", "4"}, {}, POSTABLE_SMTPD, first.dir());
  BOOST_TEST(second.stop() == 0);
  std::map<std::string, std::string> files;
  for (const char* name : {"mailbox", "mailbox.1-4", "mailbox.1-4.partial", "mailbox.next"}) {
    if (second.file_exists(name)) files[name] = second.read_file(name);
  }
  return files;  // before `first` goes, and the folder with it
}

}  // namespace

// Killed between the renames, `mailbox` and `mailbox.1-4` are two names of one inode: the
// start empties `mailbox` with a new file and keeps the backup whole (truncating had emptied it).
BOOST_AUTO_TEST_CASE(a_crash_between_the_backup_renames_then_a_start_keeps_the_backup) {
  auto files = crash_at_backup_rename_then_start(2);
  BOOST_TEST(numbers_in(files["mailbox.1-4"]) == range(1, 4));
  BOOST_TEST(files["mailbox"] == "");
}

// Killed before the first rename, the group's only other name is `mailbox.1-4.partial`, a name
// no reader trusts; the start must not empty it either (recovering it is --resume's work).
BOOST_AUTO_TEST_CASE(a_crash_before_the_backup_renames_then_a_start_keeps_the_group) {
  auto files = crash_at_backup_rename_then_start(1);
  BOOST_TEST(!files.contains("mailbox.1-4"));
  BOOST_TEST(numbers_in(files["mailbox.1-4.partial"]) == range(1, 4));
  BOOST_TEST(files["mailbox"] == "");
}

BOOST_AUTO_TEST_CASE(a_disconnect_in_the_middle_of_data_stores_nothing) {
  ServerProcess server({});
  {
    Client client(server.port());
    client.reply();
    client.ask("HELO h");
    client.ask("MAIL FROM: a@b");
    client.ask("RCPT TO: c@d");
    BOOST_TEST(client.ask("DATA").rfind("354", 0) == 0);
    client.send("half a message\r\nand no end");
  }
  Client next(server.port());
  next.reply();
  next.ask("HELO h");
  BOOST_TEST(send_message(next, "a@b", "c@d", {"whole"}) == "250 OK: delivered message 1");
  next.close();
  BOOST_TEST(server.stop() == 0);
  BOOST_TEST(numbers_in(server.read_file("mailbox")) == range(1, 1));
  BOOST_TEST(server.read_file("mailbox").find("half") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_half_closed_client_gets_every_reply) {
  ServerProcess server({});
  Client client(server.port());
  client.send("HELO h\r\nMAIL FROM: a@b\r\nRCPT TO: c@d\r\nDATA\r\nx\r\n.\r\nNOOP\r\n");
  client.shutdown_sending();
  const std::vector<std::string> expected{"220 postable SMTP CS4410MP3",
                                          "250 postable",
                                          "250 2.1.0 OK",
                                          "250 2.1.5 OK",
                                          "354 End data with <CR><LF>.<CR><LF>",
                                          "250 OK: delivered message 1",
                                          "250 2.0.0 OK"};
  for (const std::string& line : expected) BOOST_TEST(client.reply().value_or("(none)") == line);
  BOOST_TEST(client.closed_by_server());
  BOOST_TEST(server.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_real_client_python_smtplib_delivers) {
  ServerProcess server({});
  const std::string script =
      "import smtplib,sys\n"
      "c=smtplib.SMTP('127.0.0.1',int(sys.argv[1]))\n"
      "c.sendmail('alice@example.org',['bob@example.org'],'Subject: hi\\r\\n\\r\\n.hello\\r\\n')\n"
      "c.quit()\n";
  { std::ofstream(server.dir() / "client.py") << script; }
  const std::string command = "/usr/bin/python3 " + (server.dir() / "client.py").string() + " " +
                              std::to_string(server.port());
  const int status = std::system(command.c_str());
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  BOOST_TEST(server.stop() == 0);
  BOOST_TEST(server.read_file("mailbox") ==
             "Received: from [127.0.0.1] by postable (CS4410MP3)\nNumber: 1\n"
             "From: <alice@example.org>\nTo: <bob@example.org>\n\nSubject: hi\n\n.hello\n\n");
}

BOOST_AUTO_TEST_CASE(a_failed_write_answers_451_and_leaves_no_partial_record) {
  // A file-size limit makes the second, large message fail to write, as a full disk would.
  ServerProcess server({}, {"prlimit", "--fsize=4096", "--"});
  Client client(server.port());
  client.reply();
  client.ask("HELO h");
  BOOST_TEST(send_message(client, "a@b", "c@d", {"small"}) == "250 OK: delivered message 1");
  const std::vector<std::string> big(100, std::string(70, 'x'));
  BOOST_TEST(send_message(client, "a@b", "c@d", big) ==
             "451 4.3.0 Error: message not stored, try again later");
  BOOST_TEST(send_message(client, "a@b", "c@d", {"after"}) == "250 OK: delivered message 2");
  client.close();
  BOOST_TEST(server.stop() == 0);
  const std::string mailbox = server.read_file("mailbox");
  BOOST_TEST(numbers_in(mailbox) == range(1, 2));
  BOOST_TEST(mailbox.find("xxx") == std::string::npos);
  BOOST_TEST(mailbox.ends_with("\n\nafter\n\n"));
}

// Through one worker's spool: a long body, a short one, one too big (spooled in part, then
// refused), and a long one again; the records are those of the bodies held whole.
BOOST_AUTO_TEST_CASE(long_messages_go_through_the_spool_and_are_stored_byte_for_byte) {
  ServerProcess server({"--threads", "1", "--max-size", "2000000"});
  Client client(server.port());
  BOOST_REQUIRE(client.reply());
  BOOST_REQUIRE(client.ask("HELO h") == "250 postable");
  const std::vector<std::string> first = long_body(1 << 20, "first long");
  const std::vector<std::string> second = {"short"};
  const std::vector<std::string> third = long_body(700000, "second long");
  BOOST_TEST(send_message(client, "a@b", "c@d", first) == "250 OK: delivered message 1");
  BOOST_TEST(send_message(client, "a@b", "c@d", second) == "250 OK: delivered message 2");
  BOOST_TEST(send_message(client, "a@b", "c@d", long_body(3 << 20, "too big")) ==
             "552 5.3.4 Error: message too big");
  BOOST_TEST(send_message(client, "a@b", "c@d", third) == "250 OK: delivered message 3");
  BOOST_TEST(client.ask("QUIT") == "221 2.0.0 Bye");
  BOOST_TEST(server.stop() == 0);
  BOOST_TEST(check_records(server.read_file("mailbox"), {{1, stored_lines(first)},
                                                         {2, stored_lines(second)},
                                                         {3, stored_lines(third)}}) == "");
  BOOST_TEST(server.log().find(" bytes copied in the kernel") != std::string::npos);
}

// A full disk (a file-size limit) met while a long body is copied in from the spool, and
// while one is spooled: a 451 each time, no partial record, and the next message is stored.
BOOST_AUTO_TEST_CASE(a_full_disk_under_a_long_message_gets_a_451_and_leaves_no_partial_record) {
  ServerProcess server({"--threads", "1"}, {"prlimit", "--fsize=1500000", "--"});
  Client client(server.port());
  BOOST_REQUIRE(client.reply());
  BOOST_REQUIRE(client.ask("HELO h") == "250 postable");
  const std::vector<std::string> first = long_body(1 << 20, "fits");
  const std::string not_stored = "451 4.3.0 Error: message not stored, try again later";
  BOOST_TEST(send_message(client, "a@b", "c@d", first) == "250 OK: delivered message 1");
  BOOST_TEST(send_message(client, "a@b", "c@d", long_body(1 << 20, "no room")) == not_stored);
  BOOST_TEST(send_message(client, "a@b", "c@d", long_body(2 << 20, "no spool")) == not_stored);
  BOOST_TEST(send_message(client, "a@b", "c@d", {"after"}) == "250 OK: delivered message 2");
  BOOST_TEST(client.ask("QUIT") == "221 2.0.0 Bye");
  BOOST_TEST(server.stop() == 0);
  BOOST_TEST(
      check_records(server.read_file("mailbox"), {{1, stored_lines(first)}, {2, "after\n"}}) == "");
  BOOST_TEST(server.log().find("cannot write the spool: File too large") != std::string::npos);
}
