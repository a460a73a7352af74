// The real smtpd killed (SIGKILL: a crash of the process) under load at random moments and at
// each step of the backup, then started again with --resume: every message whose 250 was
// sent is stored exactly once, the numbering goes on from the last stored, and recovery
// leaves no temporary file.
#define BOOST_TEST_DYN_LINK
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include "core/decimal.hpp"
#include "core/recovery.hpp"
#include "core/rng.hpp"
#include "integration/server_process.hpp"
#include "integration/smtp_steps.hpp"
#include "support/mailbox_folder.hpp"

namespace {

using namespace postable;
using namespace postable::testing;
using namespace std::chrono_literals;

const std::vector<std::string> resumed{"--resume", "--backup-every", "4", "--quiet"};

// Acknowledged messages, by number, with their one body line.
struct Acknowledged {
  std::mutex lock;
  std::map<std::uint64_t, std::string> bodies;
  std::string wrong;  // a number acknowledged twice
};

// Delivers messages on one connection until the server goes away.
void deliver_until_killed(int port, const std::string& name, Acknowledged& acknowledged) {
  Client client(port);
  if (!client.reply() || client.ask("HELO h") != "250 postable") return;
  constexpr std::string_view stored = "250 OK: delivered message ";
  for (int m = 0;; ++m) {
    const std::string body = name + "m" + std::to_string(m);
    const std::string reply = send_message(client, "a@b", "c@d", {body});
    if (!reply.starts_with(stored)) return;
    const auto number = parse_decimal(std::string_view(reply).substr(stored.size()));
    std::lock_guard hold(acknowledged.lock);
    if (!number || !acknowledged.bodies.emplace(*number, body).second) {
      acknowledged.wrong += "acknowledged twice: " + reply + "; ";
    }
  }
}

std::size_t acknowledged_so_far(Acknowledged& acknowledged) {
  std::lock_guard hold(acknowledged.lock);
  return acknowledged.bodies.size();
}

// What is wrong with the folder after a last --resume: every acknowledged message under its
// number, numbers 1..N once each, each backup exactly its range, no temporary file.
std::string judge_folder(const std::filesystem::path& dir, const Acknowledged& acknowledged) {
  std::string wrong = acknowledged.wrong;
  std::map<std::uint64_t, std::string> found;
  for (const auto& [name, records] : read_mailbox_folder(dir)) {
    const NameReading reading = read_mailbox_name(name);
    if (reading.kind == MailboxName::next || reading.kind == MailboxName::partial) {
      wrong += name + " was left; ";
    }
    if (reading.kind != MailboxName::live && reading.kind != MailboxName::backup) continue;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (reading.kind == MailboxName::backup &&
          (records[i].number != reading.range.first + i ||
           records.size() != reading.range.last - reading.range.first + 1)) {
        wrong += name + " does not hold exactly its range; ";
      }
      if (!found.emplace(records[i].number, records[i].body).second) {
        wrong += "message " + std::to_string(records[i].number) + " is stored twice; ";
      }
    }
  }
  std::uint64_t expected = 1;
  for (const auto& [number, body] : found) {
    if (number != expected++) wrong += "a gap before message " + std::to_string(number) + "; ";
  }
  for (const auto& [number, body] : acknowledged.bodies) {
    const auto stored = found.find(number);
    if (stored == found.end() || stored->second != body) {
      wrong += "acknowledged message " + std::to_string(number) + " is not as sent; ";
    }
  }
  return wrong;
}

}  // namespace

// The crash scenarios, as a suite: tests/scripts/fs_crash_test.sh runs it again on each file
// system a loop device can hold (TMPDIR on it).
BOOST_AUTO_TEST_SUITE(crash)

BOOST_AUTO_TEST_CASE(killed_under_load_twenty_times_then_resumed_loses_nothing_acknowledged) {
  TemporaryFolder folder;
  Acknowledged acknowledged;
  Rng rng(13);
  for (int round = 0; round < 20; ++round) {
    ServerProcess server(resumed, {}, POSTABLE_SMTPD, folder.path());
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      const std::string name = "r" + std::to_string(round) + "c" + std::to_string(c);
      clients.emplace_back(deliver_until_killed, server.port(), name, std::ref(acknowledged));
    }
    // Killed on progress, not after a fixed time: however slow the machine, each round
    // kills after a drawn number of 250s, and a round that gets none in 60 s fails loudly.
    const std::size_t target = acknowledged_so_far(acknowledged) + rng.between(6, 20);
    const auto give_up = Clock::now() + 60s;
    while (acknowledged_so_far(acknowledged) < target && Clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(rng.between(0, 3)));
    }
    BOOST_REQUIRE_MESSAGE(acknowledged_so_far(acknowledged) >= target,
                          "round " << round << ": too few 250s in 60 s\n"
                                   << server.log());
    BOOST_TEST(server.kill_now() == 128 + SIGKILL);
    for (std::thread& client : clients) client.join();
  }
  ServerProcess last(resumed, {}, POSTABLE_SMTPD, folder.path());
  BOOST_TEST(last.stop() == 0);
  BOOST_TEST(acknowledged.bodies.size() >= 120u);  // at least 6 a round
  BOOST_TEST_MESSAGE(acknowledged.bodies.size() << " messages acknowledged over 20 crashes");
  BOOST_TEST(judge_folder(folder.path(), acknowledged) == "");
}

// The highest number any mailbox file holds.
std::uint64_t last_number(const std::filesystem::path& dir) {
  std::uint64_t last = 0;
  for (const auto& [name, records] : read_mailbox_folder(dir)) {
    for (const StoredRecord& record : records) last = std::max(last, record.number);
  }
  return last;
}

// Killed by strace at one system call of a backup: its link, each of its renames, the
// folder's sync after them (strace counts calls per thread: the backup thread's second fsync
// is the second backup's, of messages 5..8; the others are the first's, of 1..4). The backup
// may run before the group's last 250 is sent: that message is then stored, unacknowledged.
// The folder's sync runs while deliveries append again, so the message after the group may be
// stored too, unacknowledged. After --resume every acknowledged message is there once and the
// next message takes the number after the last stored.
BOOST_AUTO_TEST_CASE(killed_at_each_step_of_the_backup_then_resumed_loses_nothing) {
  // The call, which of its calls, the group's last number, how many may follow it.
  const std::vector<std::tuple<std::string, int, std::uint64_t, std::uint64_t>> steps{
      {"linkat", 1, 4, 0}, {"renameat", 1, 4, 0}, {"renameat", 2, 4, 0}, {"fsync", 2, 8, 1}};
  for (const auto& [call, when, group_end, may_follow] : steps) {
    TemporaryFolder folder;
    Acknowledged acknowledged;
    {
      ServerProcess server({"--backup-every", "4"},
                           {"strace", "-f", "-o", "/dev/null", "-e", "trace=" + call, "-e",
                            "inject=" + call + ":signal=SIGKILL:when=" + std::to_string(when)},
                           POSTABLE_SMTPD, folder.path());
      deliver_until_killed(server.port(), "c", acknowledged);
    }
    BOOST_TEST(acknowledged.bodies.size() >= group_end - 1, call << " " << when);
    const std::uint64_t next = last_number(folder.path()) + 1;
    BOOST_TEST((next >= group_end + 1 && next <= group_end + 1 + may_follow),
               call << " " << when << ": next " << next);
    ServerProcess again(resumed, {}, POSTABLE_SMTPD, folder.path());
    Client client(again.port());
    client.reply();
    client.ask("HELO h");
    BOOST_TEST(send_message(client, "a@b", "c@d", {"after"}) ==
                   "250 OK: delivered message " + std::to_string(next),
               call << " " << when);
    acknowledged.bodies.emplace(next, "after");
    client.close();
    BOOST_TEST(again.stop() == 0);
    BOOST_TEST(judge_folder(folder.path(), acknowledged) == "", call << " " << when);
  }
}

// Killed by strace in the middle of storing a long body (its copy in from the spool, after
// its head was written): the messages acknowledged before stay, the torn record is cut off, and
// the next message takes the number the long one would have had.
BOOST_AUTO_TEST_CASE(killed_while_a_long_body_is_copied_in_then_resumed_loses_nothing) {
  TemporaryFolder folder;
  Acknowledged acknowledged;
  {
    ServerProcess server({"--threads", "1", "--max-size", "2000000"},
                         {"strace", "-f", "-o", "/dev/null", "-e", "trace=copy_file_range", "-e",
                          "inject=copy_file_range:signal=SIGKILL:when=1"},
                         POSTABLE_SMTPD, folder.path());
    Client client(server.port());
    client.reply();
    client.ask("HELO h");
    for (std::uint64_t n = 1; n <= 3; ++n) {
      const std::string body = "short " + std::to_string(n);
      BOOST_TEST(send_message(client, "a@b", "c@d", {body}) ==
                 "250 OK: delivered message " + std::to_string(n));
      acknowledged.bodies.emplace(n, body);
    }
    BOOST_TEST(!send_message(client, "a@b", "c@d", long_body(1 << 20, "long")).starts_with("250"));
    server.wait();
  }
  ServerProcess again({"--resume", "--threads", "1"}, {}, POSTABLE_SMTPD, folder.path());
  Client client(again.port());
  client.reply();
  client.ask("HELO h");
  BOOST_TEST(send_message(client, "a@b", "c@d", {"after"}) == "250 OK: delivered message 4");
  acknowledged.bodies.emplace(4, "after");
  client.close();
  BOOST_TEST(again.stop() == 0);
  BOOST_TEST(again.log().find(" (a record cut short) off mailbox") != std::string::npos,
             again.log());
  BOOST_TEST(judge_folder(folder.path(), acknowledged) == "");
}

// A sync the disk fails (strace makes the second fdatasync fail with EIO): that message gets
// 451 and is taken off the file, the server goes on, and the next message gets its number.
BOOST_AUTO_TEST_CASE(a_failed_sync_answers_451_and_gives_the_number_again) {
  ServerProcess server({}, {"strace", "-f", "-o", "/dev/null", "-e", "trace=fdatasync", "-e",
                            "inject=fdatasync:error=EIO:when=2"});
  Client client(server.port());
  client.reply();
  client.ask("HELO h");
  BOOST_TEST(send_message(client, "a@b", "c@d", {"one"}) == "250 OK: delivered message 1");
  BOOST_TEST(send_message(client, "a@b", "c@d", {"two"}) ==
             "451 4.3.0 Error: message not stored, try again later");
  BOOST_TEST(send_message(client, "a@b", "c@d", {"three"}) == "250 OK: delivered message 2");
  client.close();
  server.stop();  // strace's exit status, not smtpd's
  const auto files = read_mailbox_folder(server.dir());
  BOOST_REQUIRE(files.contains("mailbox"));
  const auto& records = files.at("mailbox");
  BOOST_REQUIRE(records.size() == 2u);
  BOOST_TEST(records[0].body == "one");
  BOOST_TEST(records[1].body == "three");
  BOOST_TEST(
      server.log().find("cannot sync mailbox: Input/output error; messages 2-2 not stored") !=
          std::string::npos,
      server.log());
}

// --resume on files it cannot make sense of: one line naming the file and the byte, exit
// status 1, and every file as it was.
BOOST_AUTO_TEST_CASE(a_resume_that_cannot_make_sense_of_the_files_exits_1_changing_nothing) {
  TemporaryFolder folder;
  std::ofstream(folder.path() / "mailbox.1-2") << "not records";
  std::ofstream(folder.path() / "mailbox") << "Received: fr";
  const Finished refused = run_smtpd({"--port", "0", "--resume", "--dir", folder.path().string()});
  BOOST_TEST(refused.status == 1);
  BOOST_TEST(refused.err ==
             "smtpd: mailbox.1-2 at byte 0: not a mailbox file of this server (no record starts "
             "here)\n");
  const auto files = read_mailbox_folder(folder.path());
  BOOST_TEST(files.size() == 2u);
  std::ifstream backup(folder.path() / "mailbox.1-2");
  std::string kept;
  std::getline(backup, kept);
  BOOST_TEST(kept == "not records");
}

BOOST_AUTO_TEST_SUITE_END()
