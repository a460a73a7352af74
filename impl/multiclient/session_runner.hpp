// Plays one client session against the server and checks every reply. The expectation
// comes from the model: a mirror (impl/peer) is fed exactly the bytes sent, and what it
// answers is what the server must answer. Only the message number is the server's to
// choose; it is read from the reply's template and checked to rise and be unique across
// all connections.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/rng.hpp"
#include "multiclient/options.hpp"
#include "multiclient/stats.hpp"
#include "peer/forward_path.hpp"
#include "peer/line_client.hpp"
#include "peer/mirror.hpp"

namespace postable::multiclient {

class SessionRunner {
 public:
  SessionRunner(const Options& options, Stats& stats, Tally& tally, Rng& rng,
                std::uint64_t& last_number);
  void run();

 private:
  using Clock = peer::LineClient::Clock;

  // Each returns false once the session is over (a mismatch, or the connection ended).
  bool step();
  bool send_and_check(const std::string& bytes);
  bool check_replies(Clock::time_point sent_at);
  bool check_line(const std::optional<std::string>& got, Clock::time_point sent_at);
  bool check_delivery(const peer::Heard& heard);
  Clock::duration patience() const;  // how long a reply may take before it is missing
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
  std::optional<peer::LineClient> wire_;
  std::optional<peer::Mirror> mirror_;
  std::optional<peer::ForwardScript> script_;
  Clock::time_point replies_done_at_{};  // when the last expected reply arrived
  bool pipelined_ = false;
};

}  // namespace postable::multiclient
