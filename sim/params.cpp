#include "sim/params.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace postable::sim {

namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

std::string Mix::describe(char joiner) const {
  std::string out;
  for (std::size_t b = 0; b < weights.size(); ++b) {
    out.append(b == 0 ? "" : ",").append(behaviour_names[b]);
    out.append(1, joiner).append(std::to_string(weights[b]));
  }
  return out;
}

std::string Params::describe() const {
  std::string out =
      "seed=" + std::to_string(seed) + " clients=" + std::to_string(clients) +
      " workers=" + std::to_string(workers) + " backup-every=" + std::to_string(backup_every) +
      " timeout=" + number(timeout_seconds) + " arrivals/s=" + number(arrivals_per_second) +
      " backlog=" + std::to_string(backlog) + " latency-ms=" + number(latency_min_ms) + ".." +
      number(latency_max_ms) + " fragment=" + number(fragment_chance) +
      " backup-ms=" + number(backup_min_ms) + ".." + number(backup_max_ms) +
      " sync-ms=" + number(sync_min_ms) + ".." + number(sync_max_ms) +
      " crashes=" + std::to_string(crashes) + " resets=" + number(reset_chance) +
      " stalls=" + number(stall_chance) + " spikes=" + number(spike_chance);
  if (stop) out += " stop drain=" + number(drain_seconds);
  if (error_limit != model::error_limit || junk_limit != model::junk_limit) {
    out +=
        " error-limit=" + std::to_string(error_limit) + " junk-limit=" + std::to_string(junk_limit);
  }
  if (sync_fail_chance > 0 || move_fail_chance > 0) {
    out +=
        " sync-failures=" + number(sync_fail_chance) + " move-failures=" + number(move_fail_chance);
  }
  if (spill_at > 0) out += " spill-at=" + std::to_string(spill_at);
  out += " mix=" + mix.describe(':');
  return out;
}

std::string Params::replay_command() const {
  std::string out = "smtpsim --seed " + std::to_string(seed) + " --clients " +
                    std::to_string(clients) + " --workers " + std::to_string(workers) +
                    " --backup-every " + std::to_string(backup_every) + " --timeout " +
                    number(timeout_seconds) + " --rate " + number(arrivals_per_second) + " --mix " +
                    mix.describe('=') + " --crashes " + std::to_string(crashes) + " --resets " +
                    number(reset_chance) + " --stalls " + number(stall_chance) + " --spikes " +
                    number(spike_chance) + " --stop " + (stop ? "1" : "0") + " --error-limit " +
                    std::to_string(error_limit) + " --junk-limit " + std::to_string(junk_limit) +
                    " --sync-failures " + number(sync_fail_chance) + " --move-failures " +
                    number(move_fail_chance) + " --spill-at " + std::to_string(spill_at);
  return out;
}

// About how many sessions a second the world's workers can serve: an idle client holds its
// worker for the timeout, the others for some eight round trips and a sync or two. The swarm
// draws arrivals from a twentieth of that to half as much again, so that about a third of
// the worlds are overloaded (refused clients retry, then defer) and the rest keep up.
double capacity(const Params& p) {
  std::uint64_t total = 0;
  for (const std::uint64_t weight : p.mix.weights) total += weight;
  const double idle = double(p.mix[Behaviour::idle]) / double(std::max<std::uint64_t>(total, 1));
  const double round_trip_s = (p.latency_min_ms + p.latency_max_ms) / 1000;
  const double syncs_s = (p.sync_min_ms + p.sync_max_ms) / 1000;
  const double session_s = idle * p.timeout_seconds + (1 - idle) * (8 * round_trip_s + syncs_s);
  return double(p.workers) / std::max(session_s, 1e-4);
}

// Every value is drawn whether or not a flag fixes it, so that fixing one leaves the others
// as the seed would have them: a replay may name every value and get the same world.
Params draw_world(Params p, const Fixed& fixed) {
  Rng rng(p.seed ^ 0x5eed5eed5eedULL);
  const std::uint64_t workers = rng.between(1, 64);
  const std::uint64_t backup_every = rng.between(1, 64);
  const auto timeout = double(rng.between(1, 20));
  const auto load = double(rng.between(5, 150)) / 100;  // arrivals over the world's capacity
  p.backlog = rng.between(1, 256);
  p.latency_min_ms = double(rng.between(0, 100)) / 100.0;
  p.latency_max_ms = p.latency_min_ms + double(rng.between(0, 2000)) / 100.0;
  p.fragment_chance = double(rng.between(0, 100)) / 100.0;
  p.backup_min_ms = double(rng.between(0, 20));
  p.backup_max_ms = p.backup_min_ms + double(rng.between(0, 500));
  // In the order of behaviour_names: braces evaluate left to right.
  const Mix mix{{rng.between(1, 10), rng.between(0, 5), rng.between(0, 2), rng.between(0, 2),
                 rng.between(0, 5), rng.between(0, 2)}};
  // Drawn after the others, so that they stay what the seed made them before these came.
  p.sync_min_ms = double(rng.between(1, 100)) / 100.0;
  p.sync_max_ms = p.sync_min_ms + double(rng.between(0, 500)) / 100.0;
  const std::uint64_t crashes = rng.below(3) == 0 ? rng.between(1, 3) : 0;
  // Network faults, each in about a third of the worlds: a connection in 1-20 reset, a
  // packet in 10-200 stalled, a packet in 10-100 spiked.
  const double resets = rng.below(3) == 0 ? double(rng.between(5, 100)) / 100 / 20 : 0;
  const double stalls = rng.below(3) == 0 ? double(rng.between(5, 100)) / 100 / 100 : 0;
  const double spikes = rng.below(3) == 0 ? double(rng.between(10, 100)) / 100 / 10 : 0;
  // A stop in about a quarter of the worlds (drawn last, so the rest stay as they were).
  const bool stop = rng.below(4) == 0;
  if (!fixed.stop) p.stop = stop;
  // Tight limits on a session in about a quarter of the worlds: 1-5 errors, 0-4 NOOPs/RSETs.
  const bool tight = rng.below(4) == 0;
  const std::uint64_t error_limit = tight ? rng.between(1, 5) : model::error_limit;
  const std::uint64_t junk_limit = tight ? rng.below(5) : model::junk_limit;
  // Disk faults in about a fifth of the worlds each: a sync in 5-100 fails, a move in 2-20.
  const double sync_failures = rng.below(5) == 0 ? double(rng.between(1, 20)) / 100 : 0;
  const double move_failures = rng.below(5) == 0 ? double(rng.between(5, 50)) / 100 : 0;
  // Long bodies through the spool in about a quarter of the worlds: held up to 8-128 bytes.
  const std::uint64_t spill_at = rng.below(4) == 0 ? rng.between(8, 128) : 0;
  if (!fixed.spill_at) p.spill_at = spill_at;
  if (!fixed.sync_failures) p.sync_fail_chance = sync_failures;
  if (!fixed.move_failures) p.move_fail_chance = move_failures;
  if (!fixed.error_limit) p.error_limit = error_limit;
  if (!fixed.junk_limit) p.junk_limit = junk_limit;
  if (!fixed.resets) p.reset_chance = resets;
  if (!fixed.stalls) p.stall_chance = stalls;
  if (!fixed.spikes) p.spike_chance = spikes;
  if (!fixed.crashes) p.crashes = crashes;
  if (!fixed.workers) p.workers = workers;
  if (!fixed.backup_every) p.backup_every = backup_every;
  if (!fixed.timeout) p.timeout_seconds = timeout;
  if (!fixed.mix) p.mix = mix;
  if (!fixed.rate) p.arrivals_per_second = std::max(1.0, std::round(load * capacity(p)));
  return p;
}

bool parse_mix(const std::string& text, Mix& mix) {
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, end - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) return false;
    const auto behaviour = enum_from_name<Behaviour>(behaviour_names, item.substr(0, eq));
    if (!behaviour) return false;
    try {
      mix[*behaviour] = std::stoull(item.substr(eq + 1));
    } catch (...) {
      return false;
    }
    start = end + 1;
  }
  std::uint64_t total = 0;
  for (const std::uint64_t weight : mix.weights) total += weight;
  return total > 0;
}

}  // namespace postable::sim
