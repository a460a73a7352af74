// Drives one or more sessions the way a shell would, with deliveries into an in-memory
// mailbox, so tests can speak bytes and read back replies and mailbox bytes.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/session.hpp"

namespace postable::testing {

// The replies a session has not yet sent, taken (its buffer is cleared).
inline std::string take_output(Session& session) {
  std::string out = session.output();
  session.clear_output();
  return out;
}

class Harness {
 public:
  explicit Harness(SessionConfig config = {});

  // Feeds bytes in chunks of at most `chunk_bytes`, storing each message as it ends.
  void feed(std::string_view bytes,
            std::size_t chunk_bytes = std::numeric_limits<std::size_t>::max());
  void advance(Duration by);  // moves the clock; the timeout fires if it is due
  void eof();
  void new_connection();  // ends this session (if open) and greets a new one
  void fail_next_delivery() { fail_next_ = true; }
  // From now on a body held past `held_max` bytes is spilled as the server spools it
  // (Session::body_to_spill()), and put back in front of the delivery's body when stored.
  void spill_past(std::size_t held_max) { spill_past_ = held_max; }
  void shutdown();    // the server stops
  void drain_over();  // the server's drain ends

  Session& session() { return session_; }
  const std::string& replies() const { return replies_; }
  const std::string& mailbox() const { return mailbox_; }
  const std::vector<Envelope>& deliveries() const { return deliveries_; }
  std::size_t peak_buffered_bytes() const { return peak_buffered_; }
  std::size_t largest_spill() const { return largest_spill_; }
  // What went wrong between spilled pieces and deliveries (a gap, a piece kept twice).
  const std::string& spill_problem() const { return spill_problem_; }

 private:
  void settle();  // answers deliveries and collects output until the session waits for input
  void spill();
  void whole_body(Envelope& envelope);  // the spilled front put back

  SessionConfig config_;
  Instant now_{};
  Session session_;
  std::uint64_t next_number_ = 1;
  bool fail_next_ = false;
  std::string replies_;
  std::string mailbox_;
  std::vector<Envelope> deliveries_;
  std::size_t peak_buffered_ = 0;
  std::size_t spill_past_ = 0;  // 0: no spilling
  std::string spilled_;         // the front of the body coming in
  std::size_t largest_spill_ = 0;
  std::string spill_problem_;
};

}  // namespace postable::testing
