// One connection of a real run, replayed from its trace through the model's own table: the
// bytes the server read go into a Session of the same configuration, and every row the real
// server fired must be the row the replay fires. A row no byte explains (a timeout, the end
// of the stream, the stop, a delivery's outcome) names its input; the replay is given that
// input only when the run's other events allow it, so a server that fires such a row
// unasked is caught by the checker (sim/trace_check.hpp), which supplies those events.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "core/envelope.hpp"
#include "core/session.hpp"
#include "core/time.hpp"

namespace postable::sim {

class ReplayedConnection {
 public:
  ReplayedConnection(std::uint32_t id, const SessionConfig& config, Instant accepted);
  ReplayedConnection(const ReplayedConnection&) = delete;
  ReplayedConnection& operator=(const ReplayedConnection&) = delete;

  // The server read `bytes`: an empty string, or why the read does not fit the session.
  std::string read(std::string_view bytes, Instant at);
  // The server fired `row`: whether the replay fired it too (next_unexplained() says when
  // the replay has fired nothing yet, so the caller supplies the input the row names).
  bool expects_a_row() const { return !fired_.empty(); }
  // Compares the real row with the replay's next; an empty string when they agree.
  std::string match(std::uint16_t row);

  std::uint16_t next_row() const { return fired_.front(); }  // while expects_a_row()

  // An input the checker supplies (only while the session can take it): `give(session)`.
  template <typename Give>
  void give(Give&& give, Instant at) {
    give(session_);
    after_input(at);
  }
  const Session& session() const { return session_; }
  // The message the session handed to the store (taken as soon as it is complete).
  const std::optional<Envelope>& delivering() const { return delivering_; }
  void delivered(std::uint64_t number, Instant at);
  void refused(Instant at);
  void take_delivery_if_complete();

  std::uint32_t id() const { return id_; }
  Instant accepted() const { return accepted_; }
  // When the session last came back between messages (for the stop's promise).
  Instant between_messages_since() const { return between_since_; }
  // The transcript so far, its last part if long: "C: " what the client sent, "S: " replies.
  std::string transcript() const { return transcript_; }

  // The record the mailbox appended for the message being delivered, once it is.
  struct Record {
    std::uint64_t number = 0, end = 0;
    bool lost = false;  // a failed sync took it back
  };
  std::optional<Record> record;
  Instant outcome_known;  // when the store's answer was known (a sync's end)
  bool told_of_stop = false;

 private:
  void note(std::string_view prefix, std::string_view text);
  void after_input(Instant at);

  std::uint32_t id_;
  Instant accepted_;
  std::deque<std::uint16_t> fired_;  // rows the replay fired that the trace has not yet shown
  Session session_;
  std::optional<Envelope> delivering_;
  Instant between_since_;
  bool was_between_ = false;
  std::string transcript_;
};

// A row's description for a report: its number, the model's line, and what it does.
std::string describe_row(std::uint16_t row);

}  // namespace postable::sim
