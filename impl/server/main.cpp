// smtpd: the Postable SMTP server. Flags are those of shared/spec/protocol.md.
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <map>

#include "server/server.hpp"

namespace {

// The limits on a session and on the stop (protocol.md, "Limits on a session", "Shutdown").
void add_limit_flags(CLI::App& app, postable::ServerConfig& config, double& drain_seconds) {
  app.add_option("--error-limit", config.session.error_limit,
                 "errors in a session before it gets a 421 and is closed (0: none)")
      ->capture_default_str();
  app.add_option("--junk-limit", config.session.junk_limit,
                 "NOOPs and RSETs in a session before each counts as an error")
      ->capture_default_str();
  app.add_option("--drain", drain_seconds,
                 "after SIGTERM, seconds a session may take to finish its message")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
}

}  // namespace

int main(int argc, char** argv) {
  postable::ServerConfig config;
  // Flags start from the defaults the model and ServerConfig set: no value is typed twice.
  double timeout_seconds = std::chrono::duration<double>(config.session.timeout).count();
  long busy_poll_us =
      long(std::chrono::duration_cast<std::chrono::microseconds>(config.busy_poll).count());
  double drain_seconds = std::chrono::duration<double>(config.drain).count();
  CLI::App app{"smtpd: the Postable SMTP server (CS4410MP3 protocol)"};
  app.add_option("--bind", config.bind, "IPv4 address to listen on")->capture_default_str();
  app.add_option("--port", config.port, "TCP port; 0 picks a free one")->capture_default_str();
  app.add_option("--name", config.session.name, "server name in replies and the mailbox")
      ->capture_default_str()
      ->check([](const std::string& name) {
        for (char c : name) {
          if (c < 0x21 || c > 0x7e) return std::string("must be printable ASCII, no spaces");
        }
        return name.empty() ? std::string("must not be empty") : std::string();
      });
  app.add_option("--dir", config.dir, "folder of the mailbox files")->capture_default_str();
  app.add_option("--threads", config.threads, "workers in the pool")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t(1), std::size_t(4096)));
  app.add_option("--timeout", timeout_seconds, "seconds the client has for each step")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 86400.0));
  app.add_option("--backup-every", config.backup_every, "messages per backup file")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 40));
  app.add_option("--max-size", config.session.message_bytes_max, "largest message, in bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 40));
  const std::map<std::string, postable::Durability> durabilities{
      {"sync", postable::Durability::sync}, {"none", postable::Durability::none}};
  app.add_option("--durability", config.durability,
                 "sync: 250 only once a message is on stable storage; none: no syncs")
      ->transform(CLI::CheckedTransformer(durabilities, CLI::ignore_case))
      ->default_str("sync");
  app.add_flag("--resume", config.resume,
               "recover the mailbox files a crash left and continue their numbering");
  add_limit_flags(app, config, drain_seconds);
  app.add_flag("--strict", config.session.strict, "only HELO, MAIL, RCPT, DATA (others: 502)");
  app.add_flag("--quiet", config.quiet, "no log line per connection");
  app.add_option("--trace", config.trace,
                 "write what the server does to this file, for the checker (core/run_trace.hpp)");
  app.add_option("--busy-poll", busy_poll_us,
                 "microseconds a worker looks for the next command before it sleeps (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0L, 1000000L));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::cerr << "smtpd: " << error.what() << " (see --help)\n";
    return 2;
  }
  config.session.timeout = std::chrono::nanoseconds(std::llround(timeout_seconds * 1e9));
  config.busy_poll = std::chrono::microseconds(busy_poll_us);
  config.drain = std::chrono::nanoseconds(std::llround(drain_seconds * 1e9));
  try {
    return postable::run_server(config);
  } catch (const std::exception& error) {
    std::cerr << "smtpd: " << error.what() << "\n";
    return 1;
  }
}
