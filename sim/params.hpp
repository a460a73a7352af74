// The world a run simulates. Each seed draws every parameter that no flag fixed (the
// swarm), and the first line a run prints names the seed and every value drawn.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/rng.hpp"
#include "model/smtp_table.hpp"

namespace postable::sim {

// How a virtual client behaves. Names: the one table below (flags, reports, replay lines).
enum class Behaviour : std::uint8_t {
  polite,     // one or several messages, by the book
  erroneous,  // strays into every error of the protocol
  idle,       // says nothing until the timeout
  bytewise,   // sends one byte at a time
  pipelined,  // sends a whole transaction at once
  dropper,    // disconnects in the middle of DATA
};
inline constexpr std::array<std::string_view, 6> behaviour_names{
    "polite", "erroneous", "idle", "bytewise", "pipelined", "dropper"};
inline std::string_view behaviour_name(Behaviour b) {
  return enum_name(behaviour_names, b);
}

// Weights of the client behaviours, in the order of `behaviour_names`.
struct Mix {
  std::array<std::uint64_t, behaviour_names.size()> weights{6, 3, 1, 1, 2, 1};
  std::uint64_t& operator[](Behaviour b) { return weights[std::size_t(b)]; }
  std::uint64_t operator[](Behaviour b) const { return weights[std::size_t(b)]; }
  std::string describe(char joiner) const;  // "polite=6,erroneous=3,..." with '=' or ':'
};

// A client refused by a full backlog tries again (World::arrive), this many times in all.
inline constexpr std::uint64_t connect_tries_max = 8;

struct Params {
  std::uint64_t seed = 1;
  std::uint64_t clients = 1000;
  std::uint64_t workers = model::pool_threads;
  std::uint64_t backup_every = model::backup_every;
  double timeout_seconds = double(model::timeout_seconds);
  double arrivals_per_second = 2000;
  std::uint64_t backlog = 128;
  double latency_min_ms = 0.05, latency_max_ms = 2;
  double fragment_chance = 0.2;
  double backup_min_ms = 1, backup_max_ms = 50;
  double sync_min_ms = 0.05, sync_max_ms = 1;  // an fdatasync of the live file
  std::uint64_t crashes = 0;  // the server dies this many times, at drawn moments, and resumes
  // Network faults (network.hpp): the chance that a connection is reset (by either side, at a
  // drawn moment), that a packet's link stalls (for about the timeout), that a packet's
  // latency spikes (five to fifty times).
  double reset_chance = 0, stall_chance = 0, spike_chance = 0;
  // Disk faults: the chance that a sync of the live file fails (the kernel may have dropped
  // its pages: its messages get 451), and that a backup's move fails (they stay in mailbox).
  double sync_fail_chance = 0, move_fail_chance = 0;
  // Bodies longer than this go through the spool, piece by piece (0: never; smtpd's is 256 KiB).
  std::uint64_t spill_at = 0;
  bool stop = false;  // a stop signal at a drawn moment while clients arrive, then the drain
  double drain_seconds = double(model::drain_seconds);
  // The limits on a session (protocol.md): errors before the 421 (0: none), and NOOPs and
  // RSETs before each counts as one. The mirror of every client holds the same.
  std::uint64_t error_limit = model::error_limit, junk_limit = model::junk_limit;
  Mix mix;

  std::string describe() const;        // "seed=... clients=... workers=..."
  std::string replay_command() const;  // the smtpsim command line that makes this world
};

// Which parameters the command line fixed; the rest are drawn from the seed.
struct Fixed {
  bool workers = false, backup_every = false, timeout = false, mix = false, rate = false;
  bool crashes = false, resets = false, stalls = false, spikes = false, stop = false;
  bool error_limit = false, junk_limit = false, sync_failures = false, move_failures = false,
       spill_at = false;
};

Params draw_world(Params base, const Fixed& fixed);
double capacity(const Params& p);  // sessions a second the workers can about serve

bool parse_mix(const std::string& text, Mix& mix);  // "polite=6,idle=1,..."

}  // namespace postable::sim
