#include "client.hpp"

namespace postable::sim {

const char* behaviour_name(Behaviour behaviour) {
  switch (behaviour) {
    case Behaviour::polite:
      return "polite";
    case Behaviour::erroneous:
      return "erroneous";
    case Behaviour::idle:
      return "idle";
    case Behaviour::bytewise:
      return "bytewise";
    case Behaviour::pipelined:
      return "pipelined";
    case Behaviour::dropper:
      return "dropper";
  }
  return "?";
}

Behaviour draw_behaviour(const Mix& mix, Rng& rng) {
  const std::uint64_t weights[] = {mix.polite,   mix.erroneous, mix.idle,
                                   mix.bytewise, mix.pipelined, mix.dropper};
  std::uint64_t total = 0;
  for (std::uint64_t w : weights) total += w;
  std::uint64_t draw = rng.below(total);
  for (int i = 0; i < 6; ++i) {
    if (draw < weights[i]) return static_cast<Behaviour>(i);
    draw -= weights[i];
  }
  return Behaviour::polite;
}

Client::Client(std::uint64_t id, Behaviour behaviour, std::uint64_t seed,
               const SessionConfig& config, Instant now)
    : id_(id),
      behaviour_(behaviour),
      rng_(seed),
      sending_at_(now),
      mirror_(config, Instant{},
              [this](const model::Row& row) {
                if (row.clock == Clock::restart) last_forward = sending_at_;
              }),
      messages_left_(int(rng_.between(1, 3))) {}

const Batch* Client::next(Instant now) {
  confirmed_forward = last_forward;            // every reply so far has come
  if (!mirror_.wants_input()) return nullptr;  // closed, or waiting for a stored message
  if (behaviour_ == Behaviour::idle && mirror_.state() != model::State::READY) {
    return nullptr;  // says HELO, then nothing: the server must time it out
  }
  Batch& batch = batch_;
  batch.bytes.clear();
  batch.then_close = false;
  batch.bytewise = behaviour_ == Behaviour::bytewise;
  sending_at_ = now;
  if (behaviour_ == Behaviour::dropper && mirror_.mode() == Mode::data) {
    batch.bytes = "a message cut short\r\nin the midd";
    batch.then_close = true;
    mirror_.feed(batch.bytes, Instant{});
    mirror_.on_eof(Instant{});
    return &batch;
  }
  do {  // a pipelining client sends everything up to the end of a message at once
    const std::size_t start = batch.bytes.size();
    if (mirror_.mode() == Mode::data)
      body(batch.bytes);
    else
      command(batch.bytes);
    mirror_.feed(std::string_view(batch.bytes).substr(start), Instant{});
  } while (behaviour_ == Behaviour::pipelined && mirror_.wants_input() &&
           batch.bytes.size() < 64 * 1024);
  return &batch;
}

void Client::command(std::string& out) {
  if (behaviour_ == Behaviour::erroneous && rng_.chance(0.4)) return deviant(out);
  switch (mirror_.state()) {
    case model::State::READY:
      out.append("HELO client").append(std::to_string(id_ % 100)).append("\r\n");
      return;
    case model::State::HELLO:
      if (messages_left_ == 0) {
        out.append("QUIT\r\n");
        return;
      }
      --messages_left_;
      out.append("MAIL FROM: <c").append(std::to_string(id_)).append("@sim>\r\n");
      return;
    case model::State::MAIL:
      out.append("RCPT TO: <r").append(1, char('0' + rng_.below(10))).append("@sim>\r\n");
      return;
    default:
      out.append(rng_.chance(0.3) ? "RCPT TO: <more@sim>\r\n" : "DATA\r\n");
  }
}

void Client::deviant(std::string& out) {
  static const char* const lines[] = {"HELO\r\n",
                                      "HELO two hosts\r\n",
                                      "EHLO again\r\n",
                                      "MAIL\r\n",
                                      "MAIL FROM: a b\r\n",
                                      "RCPT TO:\r\n",
                                      "RCPT TO: a\x01z\r\n",
                                      "DATA now\r\n",
                                      "DATA\r\n",
                                      "NOOP\r\n",
                                      "RSET\r\n",
                                      "RSET all\r\n",
                                      "QUIT now\r\n",
                                      "mkdir\r\n",
                                      "\r\n",
                                      "MAIL FROM: x@y\r\n",
                                      "RCPT TO: x@y\r\n",
                                      "HELO again\r\n"};
  if (rng_.chance(0.02)) {
    out.append("NOOP ").append(1200, 'x').append("\r\n");
    return;
  }
  out.append(lines[rng_.below(std::size(lines))]);
}

// Lines of every kind a body can hold, dot-stuffed as a client must, then the end marker.
void Client::body(std::string& out) {
  for (std::uint64_t i = rng_.between(0, 6); i > 0; --i) {
    switch (rng_.below(5)) {
      case 0:
        out += "..";  // the line `.`, stuffed
        break;
      case 1:
        out += "..dot";
        break;
      case 2:
        break;  // an empty line
      default:
        const std::size_t start = out.size();
        std::uint64_t draw = 0;  // printable characters, eight to a draw
        const std::uint64_t length = rng_.between(1, 60);
        for (std::uint64_t at = 0; at < length; ++at) {
          if (at % 8 == 0) draw = rng_.next();
          out += char(0x20 + ((draw >> (8 * (at % 8))) & 0xff) % 95);
        }
        if (out[start] == '.') out.insert(start, 1, '.');
    }
    out += "\r\n";
  }
  out += ".\r\n";
}

}  // namespace postable::sim
