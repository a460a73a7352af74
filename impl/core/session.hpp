// The sans-IO SMTP session: bytes and time in; replies, deliveries and deadlines out.
//
// Call order (`now` never goes backwards between calls):
//   Session(config, now)            the greeting is queued at once
//   feed(bytes, now)                only while wants_input(); may stop early at a delivery,
//                                   keeping the rest of `bytes` until on_delivered/failed
//   body_to_spill(held_max)         optional, while a message comes in: a long body's bytes,
//   body_spilled()                  to be kept elsewhere; the delivery then holds the rest
//   take_delivery()                 after feed, when awaiting_delivery(): the message to store
//   on_delivered(n, now) / on_delivery_failed(now)   the store's answer; input resumes
//   reuse_body_storage(body)        optional, after the store: saves regrowing the next body
//   on_timeout(now)                 when now >= *deadline()
//   on_eof(now)                     the peer closed its side (only while wants_input())
//   on_shutdown(now)                the server stops: closes at once between messages, else
//                                   right after the message's reply
//   on_drain_over(now)              the server's drain ended: closes now (only while
//                                   wants_input(); a message not yet complete is not stored)
//   output(), then clear_output()   the reply bytes to send, at any time; the buffer is kept
//   closed()                        once true, send what is left and close the connection
//
// The session classifies each input and looks the row up in the generated table: the
// table, not this code, decides the reply, the next state, the action and the clock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/envelope.hpp"
#include "core/framer.hpp"
#include "core/reply.hpp"
#include "core/time.hpp"
#include "model/smtp_table.hpp"

namespace postable {

struct SessionConfig {
  std::string name = "postable";
  bool strict = false;
  Duration timeout = std::chrono::seconds(model::timeout_seconds);
  std::uint64_t message_bytes_max = model::message_bytes_max;
  std::size_t recipients_max = model::recipients_max;
  std::size_t line_bytes_max = model::line_bytes_max;
  std::uint64_t error_limit = model::error_limit;  // 0: none
  std::uint64_t junk_limit = model::junk_limit;
};

class Session {
 public:
  // Called for every row applied, before its effects; for traces and coverage.
  using Observer = std::function<void(const model::Row&)>;

  Session(SessionConfig config, Instant now, Observer observer = {});

  void feed(std::string_view bytes, Instant now);
  void on_eof(Instant now);
  void on_timeout(Instant now);
  void on_delivered(std::uint64_t number, Instant now);
  void on_delivery_failed(Instant now);
  void on_shutdown(Instant now);
  void on_drain_over(Instant now);

  // The replies not yet sent; clear_output() once they are, which keeps the buffer for the next.
  const std::string& output() const { return output_; }
  void clear_output() { output_.clear(); }
  // A piece of the body of the message coming in: `offset` body bytes were spilled before it.
  struct BodyPiece {
    std::string_view bytes;
    std::uint64_t offset = 0;
  };
  // Once the body held reaches `held_max` bytes while a message comes in: that body, for the
  // caller to keep (the server's spool); body_spilled() once it has. So a session holds a
  // bounded part of any body; the delivery's Envelope::body is what follows the pieces.
  std::optional<BodyPiece> body_to_spill(std::size_t held_max) const;
  void body_spilled() { framer_.body_handed_out(); }
  std::optional<Envelope> take_delivery();
  // The message awaiting the store, before take_delivery() (null when none is).
  const Envelope* pending_delivery() const { return delivery_ ? &*delivery_ : nullptr; }
  // After the store: the delivered body's storage, to read the next message into.
  void reuse_body_storage(std::string body) { framer_.reuse_body_storage(std::move(body)); }

  std::optional<Instant> deadline() const;
  model::State state() const { return state_; }
  Mode mode() const { return model::states[std::size_t(state_)].mode; }
  bool wants_input() const { return mode() == Mode::command || mode() == Mode::data; }
  bool awaiting_delivery() const { return mode() == Mode::store; }
  bool closed() const { return mode() == Mode::closed; }
  bool stopping() const { return stopping_; }  // told of the server's stop
  // Bytes the session holds for the client: the framer's buffers and input kept back.
  std::size_t buffered_bytes() const { return framer_.buffered_bytes() + held_.capacity(); }

 private:
  struct Transaction {
    std::string sender;
    std::vector<std::string> recipients;
  };

  void run(std::string_view& input, Instant now);
  void resume(Instant now);
  void on_line(std::string_view line, Instant now);
  void apply(model::Input input, Outcome outcome, const ReplyValues& values, Instant now);
  void apply_event(Event event, Instant now);
  void count_errors(model::Input input, const model::Row& row, Instant now);

  SessionConfig config_;
  Observer observer_;
  model::State state_ = model::initial_state;
  Framer framer_;
  Instant clock_started_;
  std::optional<std::string> helo_;
  std::optional<Transaction> transaction_;
  std::optional<Envelope> delivery_;
  std::string held_;  // input that arrived after a message ended, kept until it is stored
  std::string output_;
  std::uint64_t errors_ = 0;  // protocol.md, "Limits on a session"
  std::uint64_t junk_ = 0;    // NOOPs and RSETs since the last delivery
  bool stopping_ = false;     // the server stops: close once back between messages
};

}  // namespace postable
