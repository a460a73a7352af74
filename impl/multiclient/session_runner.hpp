// Plays one client session against the server and checks every reply. The expectation
// comes from the model: a mirror Session (the table-driven core) is fed exactly the bytes
// sent, and what it answers is what the server must answer. Only the message number is the
// server's to choose; it is read from the reply's template and checked to rise and be
// unique across all connections.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "options.hpp"
#include "rng.hpp"
#include "session.hpp"
#include "stats.hpp"
#include "wire.hpp"

namespace postable::multiclient {

class SessionRunner {
 public:
  SessionRunner(const Options& options, Stats& stats, Tally& tally, Rng& rng,
                std::uint64_t& last_number);
  void run();

 private:
  // Each returns false once the session is over (a mismatch, or the connection ended).
  bool step();
  bool send_and_check(const std::string& bytes);
  bool check_replies(Wire::Clock::time_point sent_at);
  bool check_delivery(Wire::Clock::time_point sent_at);
  bool matched(const std::string& expected, const std::optional<std::string>& got,
               Wire::Clock::time_point sent_at);
  Wire::Clock::duration patience() const;  // how long a reply may take before it is missing
  bool idle_until_timeout();
  bool disconnect_in_data();
  bool expect_close();
  bool mismatch(const std::string& what);

  std::string next_command();
  std::string correct_command();
  std::string deviant_command();
  std::string message_body();
  std::string decorate(const std::string& verb, const std::string& rest);

  const Options& options_;
  Stats& stats_;
  Tally& tally_;
  Rng& rng_;
  std::uint64_t& last_number_;
  SessionConfig config_;
  std::optional<Wire> wire_;
  std::optional<Session> mirror_;
  std::deque<std::string> expected_;  // replies the mirror gave that the server still owes
  int messages_left_ = 0;
  Wire::Clock::time_point replies_done_at_{};  // when the last expected reply arrived
  bool pipelined_ = false;
};

}  // namespace postable::multiclient
