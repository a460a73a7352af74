#include "sim/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/decimal.hpp"
#include "sim/coverage_dot.hpp"
#include "sim/world.hpp"

namespace postable::sim {
namespace {

using Clock = std::chrono::steady_clock;

// Figures to the thousandth, in the text and in the JSON alike.
std::string fixed(double value) {
  return fixed_point(value, 3);
}

double thousandths(double value) {
  return rounded(value, 3);
}

double virtual_seconds(Instant at) {
  return double(at.since_origin.count()) / 1e9;
}

std::size_t rows_covered(const Summary& s) {
  return std::size_t(
      std::count_if(s.row_counts.begin(), s.row_counts.end(), [](auto n) { return n > 0; }));
}

// The counts a world's summary and its line in a sweep both give.
void add_counts(nlohmann::ordered_json& json, const Summary& s) {
  json["sessions"] = s.sessions;
  json["messages"] = s.messages;
  json["events"] = s.events;
  json["refused"] = s.refused;
  json["deferred"] = s.deferred;
  json["crashes"] = s.crashes;
  json["stops"] = s.stops;
}

std::string summary_json(const Params& params, const Summary& s, double wall_seconds) {
  nlohmann::ordered_json replies = nlohmann::ordered_json::object();
  for (const auto& [code, count] : s.replies) replies[std::to_string(code)] = count;
  nlohmann::ordered_json json = {{"seed", params.seed},
                                 {"parameters", params.describe()},
                                 {"virtual_seconds", thousandths(virtual_seconds(s.virtual_end))}};
  add_counts(json, s);
  json.update(nlohmann::ordered_json{
      {"reset_by_crash", s.reset_by_crash},
      {"stop", {{"backlog_closed", s.stop_backlog_closed}, {"refused_after", s.stop_refused}}},
      {"disk", {{"syncs_failed", s.syncs_failed}, {"moves_failed", s.moves_failed}}},
      {"spills", s.spills},
      {"network",
       {{"resets_by_client", s.net_resets_client},
        {"resets_by_server", s.net_resets_server},
        {"resets_in_data", s.resets_in_data},
        {"resets_with_reply_lost", s.resets_with_reply_lost},
        {"stalls", s.net_stalls},
        {"spikes", s.net_spikes}}},
      {"replies", replies},
      {"latency_us", {{"p50", s.latency.percentile(0.5)}, {"p99", s.latency.percentile(0.99)}}},
      {"rows_covered", rows_covered(s)},
      {"digest", std::to_string(s.digest)},
      {"wall",
       {{"seconds", thousandths(wall_seconds)},
        {"events_per_second",
         thousandths(wall_seconds > 0 ? double(s.events) / wall_seconds : 0)}}},
  });
  return json.dump(2) + "\n";
}

// A sweep's line of a world: what the world was and what came of it, nothing of the machine
// that ran it (no wall time), so that any machine's line for a seed is the same.
std::string world_line(const Params& params, const Summary& s,
                       const std::optional<Violation>& violation) {
  nlohmann::ordered_json json = {{"seed", params.seed},
                                 {"parameters", params.describe()},
                                 {"digest", std::to_string(s.digest)}};
  add_counts(json, s);
  json["verdict"] = violation ? violation->invariant : "ok";
  json["replay"] = violation ? params.replay_command() : "";
  return json.dump();
}

void print_summary(std::ostream& out, const Summary& s, double wall) {
  out << "virtual " << fixed(virtual_seconds(s.virtual_end)) << " s, " << s.sessions
      << " sessions, " << s.messages << " messages, " << s.events << " events ("
      << std::uint64_t(double(s.events) / std::max(wall, 1e-9)) << " per real second), "
      << s.refused << " refused by a full backlog, " << s.deferred << " clients deferred (refused "
      << connect_tries_max << " times)\n";
  if (s.crashes > 0) {
    out << s.crashes << " crash(es) of the server, each resumed by the real recovery; "
        << s.reset_by_crash << " connections cut\n";
  }
  if (s.stops > 0) {
    out << "a stop signal, then the drain; " << s.stop_backlog_closed
        << " connections in the backlog closed unanswered, " << s.stop_refused
        << " clients refused after it\n";
  }
  if (s.syncs_failed + s.moves_failed > 0) {
    out << "disk: " << s.syncs_failed << " failed syncs (their messages refused with 451), "
        << s.moves_failed << " failed backup moves (their messages kept in mailbox)\n";
  }
  if (s.spills > 0) out << s.spills << " pieces of long bodies written to a spool\n";
  if (s.net_resets_client + s.net_resets_server + s.net_stalls + s.net_spikes > 0) {
    out << "network: " << s.net_resets_client << " resets by the client's side and "
        << s.net_resets_server << " by the server's (" << s.resets_in_data << " inside a message, "
        << s.resets_with_reply_lost << " with a reply lost), " << s.net_stalls << " stalls, "
        << s.net_spikes << " latency spikes\n";
  }
  out << "replies:";
  for (const auto& [code, count] : s.replies) out << " " << code << "x" << count;
  out << "\nlatency (virtual): p50 " << s.latency.percentile(0.5) << " us, p99 "
      << s.latency.percentile(0.99) << " us\n";
  out << "model rows covered: " << rows_covered(s) << " of " << s.row_counts.size() << "\n";
  out << "digest " << s.digest << "\n";
}

// On a terminal, one live line; otherwise a line every few seconds, once the run is that long.
void watch_progress(World& world, double every_seconds) {
  const bool terminal = isatty(STDERR_FILENO);
  const auto every = std::chrono::duration<double>(every_seconds);
  auto last = Clock::now();
  world.on_progress([terminal, last, every](const Summary& s, Instant at) mutable {
    if (!terminal && Clock::now() - last < every) return;
    last = Clock::now();
    std::cerr << (terminal ? "\r" : "") << "virtual " << fixed(virtual_seconds(at)) << " s, "
              << s.sessions << " sessions, " << s.messages << " messages, " << s.events << " events"
              << (terminal ? "   " : "\n") << std::flush;
  });
}

// The run keeps no transcripts (they would cost every client); the same world again, keeping
// the offending client's, reaches the same violation and tells what was said.
void report_violation(std::ostream& out, const Params& params, const Violation& violation) {
  out << "VIOLATION: " << violation.invariant << "\n";
  World again(params);
  again.transcribe(violation.client);
  const std::optional<Violation> replayed = again.run();
  if (replayed && !replayed->transcript.empty()) {
    out << "client " << violation.client << ":\n" << replayed->transcript;
  }
  out << "replay: " << params.replay_command() << "\n";
}

}  // namespace

WorldResult run_world(Params params, const Fixed& fixed_flags, const RunOptions& options) {
  params = draw_world(params, fixed_flags);
  std::ostringstream out;
  if (options.announce) {
    std::cout << params.describe() << std::endl;  // before a long run, not after it
  } else {
    out << params.describe() << "\n";
  }
  const auto start = Clock::now();
  std::optional<TraceWriter> trace;
  if (!options.trace.empty()) trace.emplace(options.trace);
  World world(params, trace ? &*trace : nullptr);
  if (options.progress && !options.quiet) watch_progress(world, options.progress_every);
  const std::optional<Violation> violation = world.run();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  const Summary& s = world.summary();
  if (options.progress && !options.quiet && isatty(STDERR_FILENO)) std::cerr << "\n";
  if (!options.quiet) print_summary(out, s, wall);
  if (!options.json.empty()) std::ofstream(options.json) << summary_json(params, s, wall);
  if (!options.coverage_dot.empty()) {
    std::ofstream(options.coverage_dot) << coverage_dot(s.row_counts);
  }
  if (violation) report_violation(out, params, *violation);
  return {params.seed,
          out.str(),
          world_line(params, s, violation),
          violation.has_value(),
          s.sessions,
          s.messages,
          s.events,
          wall};
}

}  // namespace postable::sim
