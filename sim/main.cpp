// smtpsim: the whole server in virtual time, with thousands to millions of virtual clients,
// reproducible from a seed. Prints the seed and every drawn parameter first, then a summary;
// on a violated invariant, the client's transcript and the command that replays it.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include "sim/coverage_dot.hpp"
#include "sim/world.hpp"

using namespace postable;
using namespace postable::sim;

namespace {

std::string fixed(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

// Numbers rounded to the thousandth, as the summary prints them.
double thousandths(double value) {
  return std::round(value * 1000) / 1000;
}

std::string summary_json(const Params& params, const Summary& s, double wall_seconds) {
  nlohmann::ordered_json replies = nlohmann::ordered_json::object();
  for (const auto& [code, count] : s.replies) replies[std::to_string(code)] = count;
  const auto covered =
      std::count_if(s.row_counts.begin(), s.row_counts.end(), [](auto n) { return n > 0; });
  const nlohmann::ordered_json json = {
      {"seed", params.seed},
      {"parameters", params.describe()},
      {"virtual_seconds", thousandths(double(s.virtual_end.since_origin.count()) / 1e9)},
      {"sessions", s.sessions},
      {"messages", s.messages},
      {"events", s.events},
      {"refused", s.refused},
      {"crashes", s.crashes},
      {"reset_by_crash", s.reset_by_crash},
      {"replies", replies},
      {"latency_us", {{"p50", s.latency.percentile(0.5)}, {"p99", s.latency.percentile(0.99)}}},
      {"rows_covered", covered},
      {"digest", std::to_string(s.digest)},
      {"wall",
       {{"seconds", thousandths(wall_seconds)},
        {"events_per_second",
         thousandths(wall_seconds > 0 ? double(s.events) / wall_seconds : 0)}}},
  };
  return json.dump(2) + "\n";
}

// One seed: returns 0 when every invariant held.
struct Outputs {
  std::string json, trace, coverage_dot;
  bool quiet = false;
};

int run_one(Params params, const Fixed& fixed_flags, const Outputs& outputs) {
  const std::string& json_path = outputs.json;
  const bool quiet = outputs.quiet;
  params = draw_world(params, fixed_flags);
  std::cout << params.describe() << std::endl;
  const auto start = std::chrono::steady_clock::now();
  std::optional<TraceWriter> trace;
  if (!outputs.trace.empty()) trace.emplace(outputs.trace);
  World world(params, trace ? &*trace : nullptr);
  if (!quiet && isatty(STDERR_FILENO)) {
    world.on_progress([](const Summary& s, Instant at) {
      std::cerr << "\rvirtual " << fixed(double(at.since_origin.count()) / 1e9) << " s, "
                << s.sessions << " sessions, " << s.messages << " messages, " << s.events
                << " events   " << std::flush;
    });
  }
  const std::optional<Violation> violation = world.run();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Summary& s = world.summary();
  if (!quiet && isatty(STDERR_FILENO)) std::cerr << "\n";
  if (!quiet) {
    std::cout << "virtual " << fixed(double(s.virtual_end.since_origin.count()) / 1e9) << " s, "
              << s.sessions << " sessions, " << s.messages << " messages, " << s.events
              << " events (" << std::uint64_t(double(s.events) / std::max(wall, 1e-9))
              << " per real second), " << s.refused << " refused by a full backlog\n";
    if (s.crashes > 0) {
      std::cout << s.crashes << " crash(es) of the server, each resumed by the real recovery; "
                << s.reset_by_crash << " connections cut\n";
    }
    std::cout << "replies:";
    for (const auto& [code, count] : s.replies) std::cout << " " << code << "x" << count;
    std::cout << "\nlatency (virtual): p50 " << s.latency.percentile(0.5) << " us, p99 "
              << s.latency.percentile(0.99) << " us\n";
    std::size_t covered = 0;
    for (auto n : s.row_counts) covered += n > 0;
    std::cout << "model rows covered: " << covered << " of " << s.row_counts.size() << "\n";
    std::cout << "digest " << s.digest << "\n";
  }
  if (!json_path.empty()) std::ofstream(json_path) << summary_json(params, s, wall);
  if (!outputs.coverage_dot.empty())
    std::ofstream(outputs.coverage_dot) << coverage_dot(s.row_counts);
  if (!violation) return 0;
  std::cout << "VIOLATION: " << violation->invariant << "\n";
  // The run keeps no transcripts (they would cost every client); the same world again,
  // keeping the offending client's, reaches the same violation and tells what was said.
  World again(params);
  again.transcribe(violation->client);
  const std::optional<Violation> replayed = again.run();
  if (replayed && !replayed->transcript.empty()) {
    std::cout << "client " << violation->client << ":\n" << replayed->transcript;
  }
  std::cout << "replay: " << params.replay_command() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Params params;
  Fixed fixed_flags;
  std::string seeds, mix, fault = "none";
  Outputs outputs;
  CLI::App app{"smtpsim: the Postable server in virtual time, reproducible from a seed"};
  app.add_option("--seed", params.seed, "the run's seed")->capture_default_str();
  app.add_option("--seeds", seeds, "a sweep of seeds, A..B");
  app.add_option("--clients", params.clients, "virtual clients")->capture_default_str();
  auto* workers = app.add_option("--workers", params.workers, "virtual workers (drawn if unset)")
                      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(100000)));
  auto* backup =
      app.add_option("--backup-every", params.backup_every, "messages per backup (drawn if unset)")
          ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 40));
  auto* timeout =
      app.add_option("--timeout", params.timeout_seconds, "seconds per step (drawn if unset)")
          ->check(CLI::Range(0.001, 86400.0));
  auto* rate = app.add_option("--rate", params.arrivals_per_second,
                              "client arrivals per virtual second (drawn if unset)")
                   ->check(CLI::Range(0.001, 1e9));
  auto* crashes = app.add_option("--crashes", params.crashes,
                                 "times the server dies and resumes (drawn if unset)")
                      ->check(CLI::Range(std::uint64_t(0), std::uint64_t(1000)));
  auto* mix_flag =
      app.add_option("--mix", mix, "behaviour weights: polite=6,erroneous=3,idle=1,...");
  app.add_option("--fault", fault, "a planted bug, to show the oracle catches it")
      ->check(CLI::IsMember(std::vector<std::string>(fault_names.begin(), fault_names.end())));
  app.add_option("--json", outputs.json, "write the summary as JSON here");
  app.add_option("--trace", outputs.trace, "write a Chrome trace-event file here (Perfetto)");
  app.add_option("--coverage-dot", outputs.coverage_dot, "the state diagram, weighted by use");
  app.add_flag("--quiet", outputs.quiet, "only the parameters line and violations");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::cerr << "smtpsim: " << error.what() << " (see --help)\n";
    return 2;
  }
  fixed_flags.workers = workers->count() > 0;
  fixed_flags.backup_every = backup->count() > 0;
  fixed_flags.timeout = timeout->count() > 0;
  fixed_flags.mix = mix_flag->count() > 0;
  fixed_flags.rate = rate->count() > 0;
  fixed_flags.crashes = crashes->count() > 0;
  if (fixed_flags.mix && !parse_mix(mix, params.mix)) {
    std::cerr << "smtpsim: --mix: expected name=weight,... (" << Mix{}.describe('=') << ")\n";
    return 2;
  }
  params.fault = *enum_from_name<Fault>(fault_names, fault);  // IsMember checked it
  if (seeds.empty()) return run_one(params, fixed_flags, outputs);
  const std::size_t dots = seeds.find("..");
  std::uint64_t first = 0, last = 0;
  try {
    first = std::stoull(seeds.substr(0, dots));
    last = std::stoull(seeds.substr(dots + 2));
  } catch (...) {
    std::cerr << "smtpsim: --seeds: expected A..B\n";
    return 2;
  }
  int status = 0;
  for (std::uint64_t seed = first; seed <= last && status == 0; ++seed) {
    params.seed = seed;
    status = run_one(params, fixed_flags, outputs);
  }
  return status;
}
