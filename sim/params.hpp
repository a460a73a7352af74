// The world a run simulates. Each seed draws every parameter that no flag fixed (the
// swarm), and the first line a run prints names the seed and every value drawn.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rng.hpp"

namespace postable::sim {

// Weights of the client behaviours.
struct Mix {
  std::uint64_t polite = 6;     // one or several messages, by the book
  std::uint64_t erroneous = 3;  // strays into every error of the protocol
  std::uint64_t idle = 1;       // says nothing until the timeout
  std::uint64_t bytewise = 1;   // sends one byte at a time
  std::uint64_t pipelined = 2;  // sends a whole transaction at once
  std::uint64_t dropper = 1;    // disconnects in the middle of DATA
};

// Planted bugs in the simulated shells, to show that the oracle catches each.
enum class Fault { none, delivery_ignores_backup, skip_number, early_timeout, greedy_acceptor };

struct Params {
  std::uint64_t seed = 1;
  std::uint64_t clients = 1000;
  std::uint64_t workers = 32;
  std::uint64_t backup_every = 32;
  double timeout_seconds = 10;
  double arrivals_per_second = 2000;
  std::uint64_t backlog = 128;
  double latency_min_ms = 0.05, latency_max_ms = 2;
  double fragment_chance = 0.2;
  double backup_min_ms = 1, backup_max_ms = 50;
  Mix mix;
  Fault fault = Fault::none;

  std::string describe() const;  // "seed=... clients=... workers=..."
};

// Which parameters the command line fixed; the rest are drawn from the seed.
struct Fixed {
  bool workers = false, backup_every = false, timeout = false, mix = false, rate = false;
};

Params draw_world(Params base, const Fixed& fixed);

bool parse_mix(const std::string& text, Mix& mix);  // "polite=6,idle=1,..."
bool parse_fault(const std::string& text, Fault& fault);
const char* fault_name(Fault fault);

}  // namespace postable::sim
