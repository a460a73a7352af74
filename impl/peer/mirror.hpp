// The client's mirror of the server: a Session (the table-driven core) fed exactly the bytes
// the client sends, so that what it answers is what the server must answer, line for line.
// Only a stored message's number is the server's to choose: the mirror reads it from the
// reply through the model's template, and then expects what follows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/session.hpp"

namespace postable::peer {

// Reads the number in a `delivered` reply line through the model's template, rendered once
// for a server name; nullopt when the line is not one.
class DeliveredReply {
 public:
  explicit DeliveredReply(std::string_view name);
  std::optional<std::uint64_t> number(std::string_view line) const;

 private:
  std::string before_, after_;  // the rendered template's text around its number
};

// The replies still owed, in order, kept as the bytes they are on the wire (whole lines, each
// ending in CRLF): one buffer, no allocation per line.
class OwedReplies {
 public:
  void add(std::string_view lines) {
    if (empty()) clear();  // all read: the buffer starts again from its beginning
    bytes_.append(lines);
  }
  bool empty() const { return next_ == bytes_.size(); }
  std::string_view front() const {  // without its CRLF
    const std::string_view rest = std::string_view(bytes_).substr(next_);
    return rest.substr(0, rest.find("\r\n"));
  }
  void pop() { next_ += front().size() + 2; }
  void clear() {
    bytes_.clear();
    next_ = 0;
  }

 private:
  std::string bytes_;
  std::size_t next_ = 0;
};

// What one reply line from the server was, as the mirror reads it. Small, and made for every
// line: the message a delivery reply was about is the mirror's `last_message()`.
struct Heard {
  enum class Kind {
    expected,    // the reply owed next
    unexpected,  // another line than the one owed (`wanted`)
    delivered,   // a stored message's number: `number`, for `last_message()`
    refused,     // the store's refusal of `last_message()`, as the model words it
    unasked,     // nothing was owed and no message was waiting
  };
  Kind kind;
  std::string_view wanted;   // unexpected: the line the model wanted (valid until next call)
  std::uint64_t number = 0;  // delivered
};

class Mirror {
 public:
  Mirror(const SessionConfig& config, Instant now, Session::Observer observer = {});

  // The client sends bytes: the mirror takes them as the server will, and owes its replies.
  void send(std::string_view bytes, Instant at);
  // The client hangs up; nothing more is owed.
  void hang_up(Instant at);
  // The server's clock ran out at `deadline`: the model's timeout reply is owed.
  void time_out(Instant deadline);
  // The server's timeout reply was heard in place of whatever was owed: nothing more is, and
  // the session is closed as the server's is (unless it waits for a message's end).
  void heard_timeout(Instant deadline);
  // One reply line from the server, heard at `at`: matched against what is owed.
  Heard hear(std::string_view line, Instant at);

  // The message the last delivery reply heard was about.
  const Envelope& last_message() const { return last_message_; }
  // The last message the client sent whole: the one whose reply is awaited, else the last
  // answered.
  const Envelope& last_sent() const {
    const Envelope* awaited = session_.pending_delivery();
    return awaited != nullptr ? *awaited : last_message_;
  }
  bool owes() const { return !owed_.empty(); }
  std::string_view next_owed() const { return owed_.front(); }
  void forget_owed() { owed_.clear(); }
  const Session& session() const { return session_; }
  // What the session says, for a client script to choose its next step from.
  model::State state() const { return session_.state(); }
  Mode mode() const { return session_.mode(); }

 private:
  void owe_output();
  Heard hear_delivery(std::string_view line, Instant at);

  Session session_;
  OwedReplies owed_;
  DeliveredReply delivered_;
  Envelope last_message_;
};

}  // namespace postable::peer
