// `smtpd --resume` over folders made by hand, as a user may hand them to it: what is not the
// server's is refused with one line and exit status 1, and no file changes (names, sizes,
// bytes, inodes); what a crash leaves is recovered without losing a whole record; a group
// found whole is backed up at once on its boundary; and `--durability none` never syncs.
#define BOOST_TEST_DYN_LINK
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/record.hpp"
#include "integration/server_process.hpp"
#include "integration/smtp_steps.hpp"
#include "support/mailbox_folder.hpp"

namespace {

using namespace postable;
using namespace postable::testing;
namespace fs = std::filesystem;

std::string records(std::uint64_t first, std::uint64_t last) {
  std::string text;
  for (std::uint64_t n = first; n <= last; ++n) {
    text += format_record(Envelope{"h", "a@b", {"c@d"}, "message " + std::to_string(n) + "\n"}, n,
                          "postable");
  }
  return text;
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every name of a folder with what it is: its inode, its kind, its bytes (a link's target).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> found;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    struct stat facts {};
    lstat(entry.path().c_str(), &facts);
    const bool link = S_ISLNK(facts.st_mode);
    found[entry.path().filename().string()] =
        std::to_string(facts.st_ino) +
        (link ? " -> " + fs::read_symlink(entry.path()).string() : " " + read_whole(entry.path()));
  }
  return found;
}

// --resume over `dir`: it must exit 1 with `line` and change nothing.
void expect_refusal(const fs::path& dir, const std::string& line) {
  const auto before = snapshot(dir);
  const Finished refused = run_smtpd({"--port", "0", "--resume", "--dir", dir.string()});
  BOOST_TEST(refused.status == 1);
  BOOST_TEST(refused.err == "smtpd: " + line + "\n");
  BOOST_TEST((snapshot(dir) == before), "a refused --resume changed the folder");
}

// Delivers one message to a server just started; returns the reply.
std::string deliver_one(const ServerProcess& server, const std::string& body) {
  Client client(server.port());
  client.reply();
  client.ask("HELO h");
  const std::string reply = send_message(client, "a@b", "c@d", {body});
  client.ask("QUIT");
  return reply;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_resume_over_an_old_mbox_file_refuses_and_keeps_it) {
  TemporaryFolder folder;
  write_file(folder.path() / "mailbox",
             "From alice@example.org Mon Jan  1 00:00:00 2024\nSubject: hi\n\nmy old mail\n\n");
  expect_refusal(folder.path(),
                 "mailbox at byte 0: not a mailbox file of this server (no record starts here)");
}

BOOST_AUTO_TEST_CASE(a_resume_over_text_before_a_record_refuses_and_keeps_both) {
  TemporaryFolder folder;
  write_file(folder.path() / "mailbox", "Subject: a note of mine\n\n" + records(1, 1));
  write_file(folder.path() / "mailbox.next", "");
  expect_refusal(folder.path(),
                 "mailbox at byte 0: not a mailbox file of this server (no record starts here)");
}

BOOST_AUTO_TEST_CASE(a_resume_over_a_gap_names_the_record_after_it) {
  TemporaryFolder folder;
  write_file(folder.path() / "mailbox.1-4", records(1, 4));
  write_file(folder.path() / "mailbox", records(5, 5) + records(7, 7));
  expect_refusal(folder.path(), "mailbox at byte " + std::to_string(records(5, 5).size()) +
                                    ": message 7 where 6 was expected");
}

// Two whole records, then the zeros of an append whose size reached the disk before its data:
// both records stay, the zeros go, and the next message is number 3.
BOOST_AUTO_TEST_CASE(a_resume_over_whole_records_then_zeros_keeps_every_record) {
  TemporaryFolder folder;
  write_file(folder.path() / "mailbox", records(1, 2) + std::string(64, '\0'));
  {
    ServerProcess server({"--resume"}, {}, POSTABLE_SMTPD, folder.path());
    BOOST_TEST(deliver_one(server, "after") == "250 OK: delivered message 3");
    BOOST_TEST(server.stop() == 0);
    BOOST_TEST(server.log().find("resume: cut 64 bytes (zeros) off mailbox at byte " +
                                 std::to_string(records(1, 2).size())) != std::string::npos,
               server.log());
  }
  BOOST_TEST(numbers_in(read_whole(folder.path() / "mailbox")) == range(1, 3));
}

// The server never follows a symlink: a `mailbox` or a backup that is one is refused, and the
// leftover of a move it would otherwise remove first stays too.
BOOST_AUTO_TEST_CASE(a_resume_over_a_symlink_refuses_and_changes_nothing) {
  TemporaryFolder outside;
  write_file(outside.path() / "precious", records(1, 2));
  for (const std::string name : {"mailbox", "mailbox.1-2"}) {
    TemporaryFolder folder;
    if (name != "mailbox") write_file(folder.path() / "mailbox", records(3, 3));
    fs::create_symlink(outside.path() / "precious", folder.path() / name);
    write_file(folder.path() / "mailbox.next", "");
    expect_refusal(folder.path(), name + " at byte 0: cannot read " +
                                      (folder.path() / name).string() +
                                      ": a symbolic link, which the server never follows");
  }
  BOOST_TEST(read_whole(outside.path() / "precious") == records(1, 2));
}

// A `mailbox` holding a whole group (1-4 at --backup-every 4) is backed up at once, on the
// group's boundary: `mailbox.1-4`, never a later `mailbox.1-8`.
BOOST_AUTO_TEST_CASE(a_full_group_found_at_resume_is_backed_up_on_its_boundary) {
  TemporaryFolder folder;
  write_file(folder.path() / "mailbox", records(1, 4));
  {
    ServerProcess server({"--resume", "--backup-every", "4"}, {}, POSTABLE_SMTPD, folder.path());
    BOOST_TEST(deliver_one(server, "five") == "250 OK: delivered message 5");
    BOOST_TEST(server.stop() == 0);
  }
  BOOST_TEST(numbers_in(read_whole(folder.path() / "mailbox.1-4")) == range(1, 4));
  BOOST_TEST(numbers_in(read_whole(folder.path() / "mailbox")) == range(5, 5));
  BOOST_TEST(!fs::exists(folder.path() / "mailbox.1-8"));
}

// `--durability none` makes no sync at all: not at start, not for a cut, not for a message.
BOOST_AUTO_TEST_CASE(durability_none_makes_no_sync) {
  TemporaryFolder folder, trace;
  write_file(folder.path() / "mailbox", records(1, 1) + "Received: fr");
  const std::string calls = (trace.path() / "calls").string();
  {
    ServerProcess server({"--resume", "--durability", "none"},
                         {"strace", "-f", "-qq", "-o", calls, "-e",
                          "trace=fsync,fdatasync,sync,syncfs,sync_file_range,msync"},
                         POSTABLE_SMTPD, folder.path());
    BOOST_TEST(deliver_one(server, "two") == "250 OK: delivered message 2");
    server.stop();  // strace's exit status, not smtpd's
  }
  BOOST_TEST(numbers_in(read_whole(folder.path() / "mailbox")) == range(1, 2));
  const std::string traced = read_whole(calls);
  BOOST_TEST(traced.find("sync") == std::string::npos, traced);
  // And the same run with syncs does sync: the trace would see them.
  {
    ServerProcess server({"--resume"},
                         {"strace", "-f", "-qq", "-o", calls, "-e", "trace=fsync,fdatasync"},
                         POSTABLE_SMTPD, folder.path());
    BOOST_TEST(deliver_one(server, "three") == "250 OK: delivered message 3");
    server.stop();
  }
  BOOST_TEST(read_whole(calls).find("fdatasync") != std::string::npos);
}
