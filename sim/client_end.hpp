// The clients' end of every connection: reply lines are read as they arrive and held against
// the client's mirror (impl/peer), stored messages against the oracle's account of the files,
// timeouts against the client's own clock; then the client's next batch goes out.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/session.hpp"
#include "sim/agenda.hpp"
#include "sim/digest.hpp"
#include "sim/network.hpp"
#include "sim/notice.hpp"
#include "sim/oracle.hpp"

namespace postable::sim {

struct Connection;

class ClientEnd {
 public:
  struct Context {
    const SessionConfig& config;
    Agenda<Notice>& agenda;
    Network& network;
    Oracle& oracle;
    Summary& summary;
    std::function<void(Connection&)> finished;  // the client has closed its end
  };

  explicit ClientEnd(Context context);
  // Bytes (or the end of the stream) reached the client.
  void receive(Connection& c, std::string_view bytes, bool eof);
  // The network reset the connection and the client knows: it closes; records of its not yet
  // acknowledged are excused, but must be whole messages it sent (Oracle::excuse).
  void reset(Connection& c);
  // Replies counted by code, for the summary.
  const std::array<std::uint64_t, 1000>& reply_counts() const { return reply_counts_; }

 private:
  void hear(Connection& c, std::string_view line);
  void timed_out(Connection& c);
  void told_to_stop(Connection& c);
  void act(Connection& c);

  Context context_;
  std::string timeout_line_;   // the model's 421 for a timeout, as the client reads it
  std::string shutdown_line_;  // and the stop's
  std::array<std::uint64_t, 1000> reply_counts_{};
};

}  // namespace postable::sim
