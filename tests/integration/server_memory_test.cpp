// Whatever the size of the messages, smtpd's memory stays bounded: a body past what a
// connection holds goes to its worker's spool as it comes and is copied into the mailbox in
// the kernel, and the records are exactly those of bodies held whole. Peak memory means
// nothing under a sanitizer: the sanitizer builds leave this test out.
#define BOOST_TEST_MODULE server_memory
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <map>
#include <thread>

#include "integration/server_process.hpp"
#include "integration/smtp_steps.hpp"

namespace {

using namespace postable::testing;
using namespace std::chrono_literals;

constexpr std::uint64_t peak_kib_max = 64 * 1024;
const std::string delivered = "250 OK: delivered message ";

}  // namespace

BOOST_AUTO_TEST_CASE(thirty_two_messages_of_10_mib_at_once_keep_smtpd_under_64_mib) {
  ServerProcess server({"--quiet"});
  constexpr int clients = 32;
  std::vector<std::vector<std::string>> lines(clients);
  for (int c = 0; c < clients; ++c) lines[c] = long_body(10 << 20, "client " + std::to_string(c));
  std::vector<std::string> replies(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Client client(server.port());
      client.reply();
      client.ask("HELO client" + std::to_string(c));
      replies[c] = send_message(client, "a@b", "c@d", lines[c]);
      client.ask("QUIT");
    });
  }
  for (auto& thread : threads) thread.join();
  std::map<int, std::string> bodies;
  for (int c = 0; c < clients; ++c) {
    BOOST_REQUIRE_MESSAGE(replies[c].starts_with(delivered), replies[c]);
    bodies[std::stoi(replies[c].substr(delivered.size()))] = stored_lines(lines[c]);
  }
  BOOST_TEST(eventually_exists(server, "mailbox.1-32", 10s));
  const std::uint64_t peak = server.peak_memory_kib();
  BOOST_TEST_MESSAGE("peak " << peak << " KiB");
  BOOST_TEST(peak < peak_kib_max);
  BOOST_TEST(server.stop() == 0);
  BOOST_TEST(check_records(server.read_file("mailbox.1-32"), bodies) == "");
  BOOST_TEST(server.log().find(" bytes copied in the kernel, 0 through a buffer") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(one_message_of_256_mib_is_stored_byte_for_byte_in_under_64_mib) {
  ServerProcess server({"--quiet", "--max-size", "268435456"});
  const std::vector<std::string> lines = long_body(256 << 20, "one long message");
  Client client(server.port());
  BOOST_REQUIRE(client.reply());
  BOOST_REQUIRE(client.ask("HELO h") == "250 postable");
  BOOST_TEST(send_message(client, "a@b", "c@d", lines) == delivered + "1");
  BOOST_TEST(client.ask("QUIT") == "221 2.0.0 Bye");
  const std::uint64_t peak = server.peak_memory_kib();
  BOOST_TEST_MESSAGE("peak " << peak << " KiB");
  BOOST_TEST(peak < peak_kib_max);
  BOOST_TEST(server.stop() == 0);
  BOOST_TEST(check_records(server.read_file("mailbox"), {{1, stored_lines(lines)}}) == "");
}
