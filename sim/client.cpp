#include "sim/client.hpp"

#include "peer/deviant.hpp"

namespace postable::sim {

Behaviour draw_behaviour(const Mix& mix, Rng& rng) {
  std::uint64_t total = 0;
  for (const std::uint64_t w : mix.weights) total += w;
  std::uint64_t draw = rng.below(total);
  for (std::size_t i = 0; i < mix.weights.size(); ++i) {
    if (draw < mix.weights[i]) return static_cast<Behaviour>(i);
    draw -= mix.weights[i];
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
      script_(rng_.between(1, 3), peer::ScriptStyle{0.3, 0.0}) {}

const Batch* Client::next(Instant now) {
  confirmed_forward = last_forward;                      // every reply so far has come
  if (!mirror_.session().wants_input()) return nullptr;  // closed, or waiting for a message
  if (behaviour_ == Behaviour::idle && mirror_.state() != peer::greeted_state()) {
    return nullptr;  // says its first command, then nothing: the server must time it out
  }
  Batch& batch = batch_;
  batch.bytes.clear();
  batch.then_close = false;
  batch.bytewise = behaviour_ == Behaviour::bytewise;
  sending_at_ = now;
  if (behaviour_ == Behaviour::dropper && mirror_.mode() == Mode::data) {
    batch.bytes = "a message cut short\r\nin the midd";
    batch.then_close = true;
    mirror_.send(batch.bytes, Instant{});
    mirror_.hang_up(Instant{});
    return &batch;
  }
  do {  // a pipelining client sends everything up to the end of a message at once
    const std::size_t start = batch.bytes.size();
    if (mirror_.mode() == Mode::data)
      body(batch.bytes);
    else
      command(batch.bytes);
    mirror_.send(std::string_view(batch.bytes).substr(start), Instant{});
  } while (behaviour_ == Behaviour::pipelined && mirror_.session().wants_input() &&
           batch.bytes.size() < 64 * 1024);
  return &batch;
}

// The next verb from the table's forward path, in the simulator's plain words.
void Client::command(std::string& out) {
  if (behaviour_ == Behaviour::erroneous && rng_.chance(0.4)) {
    return peer::append_deviant_line(out, rng_);
  }
  const peer::ScriptedVerb step = script_.next(mirror_.state(), rng_);
  const model::VerbInfo& verb = model::verbs[std::size_t(step.verb)];
  out.append(verb.name);
  switch (verb.arg) {
    case ArgClass::host:
      out.append(" client").append(std::to_string(id_ % 100));
      break;
    case ArgClass::from:
      out.append(" FROM: <c").append(std::to_string(id_)).append("@sim>");
      break;
    case ArgClass::to:
      if (step.again)
        out.append(" TO: <more@sim>");
      else
        out.append(" TO: <r").append(1, char('0' + rng_.below(10))).append("@sim>");
      break;
    case ArgClass::none:
    case ArgClass::any:
      break;
  }
  out.append("\r\n");
}

// Lines of every kind a body can hold, dot-stuffed as a client must, then the end marker.
void Client::body(std::string& out) {
  for (std::uint64_t i = rng_.between(0, 6); i > 0; --i) {
    switch (rng_.below(6)) {
      case 0:
        out += "..";  // the line `.`, stuffed
        break;
      case 1:
        out += "..dot";
        break;
      case 2:
        break;   // an empty line
      case 3: {  // a line the store must quote (core/body_quoting.hpp), or one that nearly is
        static constexpr std::string_view lines[] = {"Received: from afar", ">Received: by a relay",
                                                     ">>Received: x", "Received:no space"};
        out += lines[rng_.below(4)];
        break;
      }
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
