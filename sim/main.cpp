// smtpsim: the whole server in virtual time, with thousands to millions of virtual clients,
// reproducible from a seed. Prints the seed and every drawn parameter first, then a summary;
// on a violated invariant, the client's transcript and the command that replays it.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <thread>

#include "sim/check_run.hpp"
#include "sim/run.hpp"
#include "sim/sweep.hpp"
#include "sim/sweep_report.hpp"

using namespace postable;
using namespace postable::sim;

namespace {

// "A..B" into its two ends; false when it is not that.
bool parse_range(const std::string& text, std::uint64_t& first, std::uint64_t& last) {
  const std::size_t dots = text.find("..");
  if (dots == std::string::npos) return false;
  try {
    std::size_t used = 0;
    first = std::stoull(text.substr(0, dots), &used);
    if (used != dots) return false;
    last = std::stoull(text.substr(dots + 2), &used);
    return used == text.size() - dots - 2 && first <= last;
  } catch (...) {
    return false;
  }
}

// "I/N" with I < N.
bool parse_shard(const std::string& text, std::uint64_t& shard, std::uint64_t& shards) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    shard = std::stoull(text.substr(0, slash));
    shards = std::stoull(text.substr(slash + 1));
    return shards > 0 && shard < shards;
  } catch (...) {
    return false;
  }
}

// `smtpsim merge FILE...`: the report one sweep of all their worlds would print.
int merge(const std::vector<std::string>& files) {
  std::vector<std::string> lines;
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "smtpsim merge: cannot read " << file << "\n";
      return 2;
    }
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(line);
    }
  }
  try {
    const std::string report = sweep_report(lines);
    std::cout << report;
    return report.find(" 0 violation(s)") == std::string::npos ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "smtpsim merge: " << e.what() << "\n";
    return 2;
  }
}

// Everything the command line says.
struct CommandLine {
  Params params;
  Fixed fixed;
  std::string seeds, shard, mix;
  RunOptions run;
  SweepOptions sweep;
  std::vector<std::string> merge_files;
  CheckOptions check;
  // workers, backup, timeout, rate, crashes, mix, resets, stalls, spikes, stop, the limits
  std::vector<CLI::Option*> world_flags;
};

void add_world_flags(CLI::App& app, CommandLine& line) {
  Params& p = line.params;
  app.add_option("--seed", p.seed, "the run's seed")->capture_default_str();
  app.add_option("--clients", p.clients, "virtual clients")->capture_default_str();
  line.world_flags = {
      app.add_option("--workers", p.workers, "virtual workers (drawn if unset)")
          ->check(CLI::Range(std::uint64_t(1), std::uint64_t(100000))),
      app.add_option("--backup-every", p.backup_every, "messages per backup (drawn if unset)")
          ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 40)),
      app.add_option("--timeout", p.timeout_seconds, "seconds per step (drawn if unset)")
          ->check(CLI::Range(0.001, 86400.0)),
      app.add_option("--rate", p.arrivals_per_second,
                     "client arrivals per virtual second (drawn if unset)")
          ->check(CLI::Range(0.001, 1e9)),
      app.add_option("--crashes", p.crashes, "times the server dies and resumes (drawn if unset)")
          ->check(CLI::Range(std::uint64_t(0), std::uint64_t(1000))),
      app.add_option("--mix", line.mix, "behaviour weights: polite=6,erroneous=3,idle=1,..."),
      app.add_option("--resets", p.reset_chance, "chance a connection is reset (drawn if unset)")
          ->check(CLI::Range(0.0, 1.0)),
      app.add_option("--stalls", p.stall_chance, "chance a packet's link stalls (drawn if unset)")
          ->check(CLI::Range(0.0, 1.0)),
      app.add_option("--spikes", p.spike_chance,
                     "chance a packet's latency spikes (drawn if unset)")
          ->check(CLI::Range(0.0, 1.0)),
      app.add_option(
          "--stop", p.stop,
          "1: a stop signal at a drawn moment, then the drain; 0: none (drawn if unset)"),
      app.add_option("--error-limit", p.error_limit,
                     "errors in a session before its 421 (0: none; drawn if unset)"),
      app.add_option("--junk-limit", p.junk_limit,
                     "NOOPs and RSETs in a session before each is an error (drawn if unset)"),
      app.add_option("--sync-failures", p.sync_fail_chance,
                     "chance a sync of mailbox fails (drawn if unset)")
          ->check(CLI::Range(0.0, 1.0)),
      app.add_option("--move-failures", p.move_fail_chance,
                     "chance a backup's move fails (drawn if unset)")
          ->check(CLI::Range(0.0, 1.0)),
      app.add_option("--spill-at", p.spill_at,
                     "body bytes held before the rest goes through the spool (0: never; drawn "
                     "if unset)")};
}

void add_output_flags(CLI::App& app, CommandLine& line) {
  app.add_option("--json", line.run.json, "write the summary as JSON here (one world)");
  app.add_option("--trace", line.run.trace, "write a Chrome trace-event file here (one world)");
  app.add_option("--coverage-dot", line.run.coverage_dot, "the state diagram, weighted by use");
  app.add_flag("--quiet", line.run.quiet, "only the parameters line and violations");
  app.add_option("--progress-every", line.run.progress_every,
                 "seconds between progress lines when stderr is not a terminal")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 86400.0));
  app.add_option("--seeds", line.seeds, "a sweep of seeds, A..B");
  app.add_option("--jobs", line.sweep.jobs, "worlds a sweep runs at once (default: every core)")
      ->check(CLI::Range(1u, 4096u));
  app.add_option("--shard", line.shard, "the sweep's share I/N of the seeds (0 <= I < N)");
  app.add_flag("--keep-going", line.sweep.keep_going, "run every seed past a violation");
  app.add_option("--jsonl", line.sweep.jsonl, "a sweep's worlds, one JSON line each, here");
}

// What the flags mean once parsed; a message and false when they do not fit together.
bool read_flags(CommandLine& line) {
  Fixed& f = line.fixed;
  bool* fixed_by[] = {&f.workers,       &f.backup_every,  &f.timeout,     &f.rate,
                      &f.crashes,       &f.mix,           &f.resets,      &f.stalls,
                      &f.spikes,        &f.stop,          &f.error_limit, &f.junk_limit,
                      &f.sync_failures, &f.move_failures, &f.spill_at};
  for (std::size_t i = 0; i < line.world_flags.size(); ++i) {
    *fixed_by[i] = line.world_flags[i]->count() > 0;
  }
  if (f.mix && !parse_mix(line.mix, line.params.mix)) {
    std::cerr << "smtpsim: --mix: expected name=weight,... (" << Mix{}.describe('=') << ")\n";
    return false;
  }
  if (line.seeds.empty()) return true;
  if (!parse_range(line.seeds, line.sweep.first, line.sweep.last)) {
    std::cerr << "smtpsim: --seeds: expected A..B with A <= B\n";
    return false;
  }
  if (!line.shard.empty() && !parse_shard(line.shard, line.sweep.shard, line.sweep.shards)) {
    std::cerr << "smtpsim: --shard: expected I/N with 0 <= I < N\n";
    return false;
  }
  if (!line.run.json.empty() || !line.run.trace.empty() || !line.run.coverage_dot.empty()) {
    std::cerr << "smtpsim: --json, --trace and --coverage-dot are one world's; a sweep "
                 "writes --jsonl\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine line;
  line.sweep.jobs = std::max(1u, std::thread::hardware_concurrency());
  CLI::App app{"smtpsim: the Postable server in virtual time, reproducible from a seed"};
  add_world_flags(app, line);
  add_output_flags(app, line);
  CLI::App* merging = app.add_subcommand(
      "merge", "the report of one sweep over the worlds of these --jsonl files (shards)");
  merging->add_option("files", line.merge_files, "JSON-lines files of sweeps")->required();
  CLI::App* checking = app.add_subcommand(
      "check", "judge the traces of real runs (smtpd --trace) with the simulator's oracle");
  checking
      ->add_option("traces", line.check.traces, "traces, in order: a run, then its --resume runs")
      ->required();
  checking
      ->add_option("--slack-ms", line.check.slack_ms,
                   "how late a timeout or the stop's 421 may come in a real run")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  checking->add_option("--timeline", line.check.timeline,
                       "write the runs as a Chrome trace-event file (Perfetto) here");
  checking->add_flag("--quiet", line.check.quiet, "only the verdict and any violation");
  checking
      ->add_option("--progress-every", line.check.progress_every,
                   "seconds between progress lines on a long trace")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::cerr << "smtpsim: " << error.what() << " (see --help)\n";
    return 2;
  }
  if (merging->parsed()) return merge(line.merge_files);
  if (checking->parsed()) return run_check(line.check);
  if (!read_flags(line)) return 2;
  if (line.seeds.empty()) {
    line.run.announce = true;
    line.run.progress = true;
    const WorldResult result = run_world(line.params, line.fixed, line.run);
    std::cout << result.text;
    return result.violated ? 1 : 0;
  }
  line.sweep.run = line.run;
  return run_sweep(line.params, line.fixed, line.sweep);
}
