// smtpd --trace FILE over sockets: the trace a real run leaves reads back whole, and holds
// what the server did: the accept, every byte read, a reply row for every reply, each record
// appended with its number and connection, the syncs that covered them, the backup's move and
// the folder's sync, the stop and the close.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "core/run_trace.hpp"
#include "integration/smtp_steps.hpp"
#include "support/mailbox_folder.hpp"

namespace {

using namespace postable;
using namespace postable::testing;

// What a trace holds, counted.
struct Tally {
  bool whole = false;
  std::string header, read;
  std::vector<std::uint64_t> appended, appended_ends;
  std::uint64_t rows = 0, synced_bytes = 0, accepts = 0, closes = 0, moves = 0;
  bool stop = false, folder = false;
};

void count(Tally& tally, const trace::Event& event) {
  switch (event.kind) {
    case trace::Kind::accept:
      tally.accepts += event.connection == 1 ? 1 : 0;
      break;
    case trace::Kind::bytes_read:
      tally.read += event.bytes;
      break;
    case trace::Kind::row_fired:
      ++tally.rows;
      break;
    case trace::Kind::record_appended:
      if (event.connection == 1) tally.appended.push_back(event.a);
      tally.appended_ends.push_back(event.b);
      break;
    case trace::Kind::sync_ended:
      if (event.flags & trace::ok_flag) tally.synced_bytes = std::max(tally.synced_bytes, event.a);
      break;
    case trace::Kind::move_ended:
      tally.moves += event.a == 1 && event.b == 2 && (event.flags & trace::ok_flag) ? 1 : 0;
      break;
    case trace::Kind::folder_synced:
      tally.folder = true;
      break;
    case trace::Kind::stop_signal:
      tally.stop = true;
      break;
    case trace::Kind::connection_closed:
      tally.closes += event.connection == 1 ? 1 : 0;
      break;
    default:
      break;
  }
}

Tally tally_of(const std::string& trace) {
  Tally tally;
  trace::Reader reader(trace);
  if (reader.header()) tally.header = std::string(*reader.header());
  while (const auto event = reader.next()) count(tally, *event);
  tally.whole = reader.header() && !reader.cut() && !reader.problem();
  return tally;
}

}  // namespace

// A --trace that names a file of the mailbox is refused in one line, and the file is left as
// it was: the trace would have emptied it.
BOOST_AUTO_TEST_CASE(a_trace_over_a_mailbox_file_is_refused_and_the_file_kept) {
  TemporaryFolder folder;
  const std::string backup = (folder.path() / "mailbox.1-2").string();
  { std::ofstream(backup) << "mail worth keeping\n"; }
  const Finished run =
      run_smtpd({"--port", "0", "--dir", folder.path().string(), "--trace", backup});
  BOOST_TEST(run.status == 1);
  BOOST_TEST(run.err == "smtpd: --trace " + backup +
                            ": a file of the mailbox, which the trace would overwrite\n",
             run.err);
  BOOST_TEST(read_whole_file(backup) == "mail worth keeping\n");
}

BOOST_AUTO_TEST_CASE(a_traced_run_leaves_a_whole_trace_of_what_it_did) {
  ServerProcess server({"--backup-every", "2", "--trace", "trace.bin"});
  {
    Client client(server.port());
    BOOST_REQUIRE(client.reply());
    BOOST_TEST(client.ask("HELO h") == "250 postable");
    for (int m = 1; m <= 3; ++m) {
      const std::string reply = send_message(client, "a@b", "c@d", {"body " + std::to_string(m)});
      BOOST_TEST(reply == "250 OK: delivered message " + std::to_string(m));
    }
    BOOST_TEST(client.ask("QUIT").rfind("221", 0) == 0u);
  }
  BOOST_TEST(eventually_exists(server, "mailbox.1-2"));
  BOOST_TEST(server.stop() == 0);
  const Tally tally = tally_of(read_whole_file(server.dir() / "trace.bin"));
  BOOST_TEST(tally.whole);
  BOOST_TEST(tally.header.find("backup_every=2\n") != std::string::npos);
  BOOST_TEST(tally.accepts == 1u);
  BOOST_TEST(tally.read.rfind("HELO h\r\n", 0) == 0u, tally.read);
  BOOST_TEST(tally.read.find("body 3\r\n.\r\nQUIT\r\n") != std::string::npos, tally.read);
  // The greeting, HELO, 3 x (MAIL, RCPT, DATA, the message's end, its delivery), QUIT.
  BOOST_TEST(tally.rows == 18u);
  BOOST_TEST((tally.appended == std::vector<std::uint64_t>{1, 2, 3}));
  BOOST_TEST(tally.moves == 1u);
  BOOST_TEST(tally.folder);
  BOOST_TEST(tally.synced_bytes >= tally.appended_ends.back());  // message 3, in the new mailbox
  BOOST_TEST(tally.stop);
  BOOST_TEST(tally.closes == 1u);
}
