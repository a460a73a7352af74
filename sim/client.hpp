// A virtual client: a behaviour, its own seeded generator, and a mirror Session (the
// table-driven core) that says what the server must answer to the bytes it sends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "params.hpp"
#include "rng.hpp"
#include "session.hpp"

namespace postable::sim {

enum class Behaviour { polite, erroneous, idle, bytewise, pipelined, dropper };
const char* behaviour_name(Behaviour behaviour);
Behaviour draw_behaviour(const Mix& mix, Rng& rng);

struct Batch {
  std::string bytes;
  bool bytewise = false;    // every byte its own packet
  bool then_close = false;  // the client hangs up after these bytes
};

class Client {
 public:
  Client(std::uint64_t id, Behaviour behaviour, std::uint64_t seed, const SessionConfig& config,
         Instant now);

  // What the client does once every reply it waits for has come: null means it waits (for a
  // timeout) or is done. The batch is already fed to the mirror; it stays valid until the
  // next call.
  const Batch* next(Instant now);

  Session& mirror() { return mirror_; }
  Behaviour behaviour() const { return behaviour_; }
  std::uint64_t id() const { return id_; }
  std::string transcript;     // what went each way, when transcribing
  bool transcribing = false;  // only the client of a violation is replayed with this on
  std::uint64_t retries = 0;
  // When the client sent what last moved the session forward: the server's clock cannot have
  // started before, so a timeout earlier than this plus the timeout is early.
  Instant last_forward{};
  // The same as of the batch before the last: every step up to it the server has had.
  Instant confirmed_forward{};

 private:
  // Each appends what it makes to `out`.
  void command(std::string& out);
  void deviant(std::string& out);
  void body(std::string& out);

  std::uint64_t id_;
  Behaviour behaviour_;
  Rng rng_;
  Instant sending_at_{};
  Session mirror_;  // fed at a fixed instant: it predicts content; time is checked apart
  int messages_left_;
  Batch batch_;  // reused: its buffer stays allocated
};

}  // namespace postable::sim
