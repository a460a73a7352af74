// multiclient: the stress client. Keeps --connections sessions busy against the server,
// each following the protocol or straying from it at random (seeded), and checks every
// reply against the model. Exit status 0 only when nothing mismatched.
#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>

#include "multiclient/report.hpp"
#include "multiclient/run.hpp"

using namespace postable;
using namespace postable::multiclient;

namespace {

void add_flags(CLI::App& app, Options& o) {
  app.add_option("--host", o.host, "server address")->capture_default_str();
  app.add_option("--port", o.port, "server port")->capture_default_str();
  app.add_option("--connections", o.connections, "sessions at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--duration", o.duration_seconds, "seconds to run")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  app.add_option("--sessions", o.sessions, "stop after this many sessions (0: no limit)")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "seed of the run (0: from the clock); printed")
      ->capture_default_str();
  app.add_option("--deviate", o.deviate, "chance a step breaks the protocol")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_flag("--timeouts", o.timeouts, "also idle clients (each costs the server's timeout)");
  app.add_option("--verify", o.verify_dir, "server folder: check every stored message there");
  app.add_option("--json", o.json_path, "write the summary as JSON here");
  app.add_flag("--quiet", o.quiet, "no progress line");
  app.add_option("--name", o.name, "the server's --name")->capture_default_str();
  app.add_option("--server-timeout", o.server_timeout_seconds, "the server's --timeout")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 86400.0));
  app.add_option("--max-size", o.max_size, "the server's --max-size")->capture_default_str();
  app.add_option("--backup-every", o.backup_every, "the server's --backup-every")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 40));
  app.add_option("--error-limit", o.error_limit, "the server's --error-limit")
      ->capture_default_str();
  app.add_option("--junk-limit", o.junk_limit, "the server's --junk-limit")->capture_default_str();
  app.add_flag("--strict", o.strict, "the server runs with --strict");
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"multiclient: stress-tests an SMTP server and checks every reply"};
  add_flags(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::cerr << "multiclient: " << error.what() << " (see --help)\n";
    return 2;
  }
  if (options.seed == 0) {
    options.seed = std::uint64_t(std::chrono::system_clock::now().time_since_epoch().count()) | 1;
  }
  std::cout << "multiclient: seed=" << options.seed << " connections=" << options.connections
            << " duration=" << options.duration_seconds << "s target=" << options.host << ":"
            << options.port << std::endl;

  const RunResult result = run_stress(options);
  std::cout << summary_text(result);
  if (!options.json_path.empty()) std::ofstream(options.json_path) << summary_json(result);
  return result.failed() ? 1 : 0;
}
