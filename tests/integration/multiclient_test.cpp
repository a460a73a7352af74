// multiclient against the real server (no mismatch, a complete JSON summary), and against a
// deliberately broken server, where it must exit non-zero and name what is wrong.
#define BOOST_TEST_MODULE multiclient
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "integration/server_process.hpp"
#include "support/mailbox_folder.hpp"

namespace {

using namespace postable::testing;
using namespace std::chrono_literals;

// A short run against a faulty server, checking the mailbox too.
Finished against_faulty_server(const std::string& fault) {
  ServerProcess server({"--fault", fault}, {}, POSTABLE_FAULTY_SERVER);
  return run_program(POSTABLE_MULTICLIENT,
                     {"--port", std::to_string(server.port()), "--connections", "4", "--sessions",
                      "60", "--duration", "30", "--seed", "3", "--backup-every", "1000000",
                      "--verify", server.dir().string(), "--quiet"},
                     60s);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_short_run_against_smtpd_finds_no_mismatch) {
  ServerProcess server({"--quiet", "--max-size", "100000", "--timeout", "1"});
  const std::string json = (server.dir() / "summary.json").string();
  const Finished run =
      run_program(POSTABLE_MULTICLIENT,
                  {"--port", std::to_string(server.port()), "--duration", "3", "--seed", "7",
                   "--max-size", "100000", "--server-timeout", "1", "--timeouts", "--verify",
                   server.dir().string(), "--json", json, "--quiet"},
                  60s);
  BOOST_TEST(run.status == 0, run.out);
  BOOST_TEST(run.out.rfind("multiclient: seed=7 ", 0) == 0);
  BOOST_TEST(run.out.find("mismatches: 0") != std::string::npos);
  const std::string summary = read_whole_file(json);
  for (const char* key : {"\"seed\": 7", "\"ops\": ", "\"ops_per_second\": ", "\"replies\": {",
                          "\"mismatches\": []", "\"421\": "}) {
    BOOST_TEST(summary.find(key) != std::string::npos, key << " in " << summary);
  }
  BOOST_TEST(server.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_correct_fake_server_passes) {  // the control for the cases below
  const Finished run = against_faulty_server("none");
  BOOST_TEST(run.status == 0, run.out);
}

BOOST_AUTO_TEST_CASE(a_wrong_reply_is_named) {
  const Finished run = against_faulty_server("wrong-reply");
  BOOST_TEST(run.status == 1);
  BOOST_TEST(run.out.find("expected `250 2.1.5 OK`, got `250 OK`") != std::string::npos, run.out);
}

BOOST_AUTO_TEST_CASE(a_skipped_number_is_named) {
  const Finished run = against_faulty_server("skip-number");
  BOOST_TEST(run.status == 1);
  BOOST_TEST(run.out.find("without a gap") != std::string::npos, run.out);
}

BOOST_AUTO_TEST_CASE(a_repeated_number_is_named) {
  const Finished run = against_faulty_server("repeat-number");
  BOOST_TEST(run.status == 1);
  BOOST_TEST(run.out.find("message number 2") != std::string::npos, run.out);
}

BOOST_AUTO_TEST_CASE(a_reordered_mailbox_is_named) {
  const Finished run = against_faulty_server("reorder");
  BOOST_TEST(run.status == 1);
  BOOST_TEST(run.out.find("mailbox holds [") != std::string::npos, run.out);
}

BOOST_AUTO_TEST_CASE(a_folder_that_cannot_be_read_is_named) {
  ServerProcess server({"--quiet"});
  const std::string missing = (server.dir() / "no-such-folder").string();
  const Finished run =
      run_program(POSTABLE_MULTICLIENT,
                  {"--port", std::to_string(server.port()), "--connections", "2", "--sessions", "4",
                   "--duration", "10", "--verify", missing, "--quiet"},
                  60s);
  BOOST_TEST(run.status == 1, run.out << run.err);
  BOOST_TEST(run.out.find("cannot read the folder " + missing) != std::string::npos, run.out);
  BOOST_TEST(server.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_bad_flag_gets_one_line) {
  const Finished run = run_program(POSTABLE_MULTICLIENT, {"--connections", "0"});
  BOOST_TEST(run.status == 2);
  BOOST_TEST(run.err.find('\n') == run.err.size() - 1, run.err);
}
