// Microbenchmarks of the core with Google Benchmark (`make bench` runs them): the framer on
// message bodies (bytes per second), whole transactions through the Session (commands per
// second), and record formatting. Medians over repetitions; never a timed unit test.
#include <benchmark/benchmark.h>

#include <string>

#include "core/record.hpp"
#include "core/session.hpp"

namespace {

using namespace postable;

// A body of `bytes` in lines of 76 characters, some starting with a dot (stuffed on the wire).
std::string wire_body(std::size_t bytes) {
  std::string body;
  for (std::size_t line = 0; body.size() < bytes; ++line) {
    body += line % 10 == 0 ? ".." : "";
    body.append(76, char('a' + line % 26));
    body += "\r\n";
  }
  return body;
}

// Feeds the body of one message in chunks, as a connection's reads would.
void framer_on_bodies(benchmark::State& state) {
  const std::string body = wire_body(std::size_t(state.range(0)));
  const std::size_t chunk = 64 * 1024;
  SessionConfig config;
  config.message_bytes_max = body.size() * 2;
  for (auto _ : state) {
    Session session(config, Instant{});
    session.feed("HELO h\r\nMAIL FROM: <a@b>\r\nRCPT TO: <c@d>\r\nDATA\r\n", Instant{});
    for (std::size_t at = 0; at < body.size(); at += chunk) {
      session.feed(std::string_view(body).substr(at, chunk), Instant{});
    }
    session.feed(".\r\n", Instant{});
    benchmark::DoNotOptimize(session.take_delivery());
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(body.size()));
}
BENCHMARK(framer_on_bodies)->Arg(4 * 1024)->Arg(100 * 1024)->Arg(1024 * 1024);

// A whole session: greeting, HELO, MAIL, two RCPT, DATA, a small message, QUIT; one line at a
// time, each answered.
void session_steps(benchmark::State& state) {
  const char* const lines[] = {"HELO client.example\r\n",
                               "MAIL FROM: <sender@example>\r\n",
                               "RCPT TO: <one@example>\r\n",
                               "RCPT TO: <two@example>\r\n",
                               "DATA\r\n",
                               "Subject: hi\r\n\r\nbody\r\n.\r\n",
                               "QUIT\r\n"};
  std::uint64_t number = 0;
  for (auto _ : state) {
    Session session(SessionConfig{}, Instant{});
    for (const char* line : lines) {
      session.feed(line, Instant{});
      if (session.awaiting_delivery()) {
        benchmark::DoNotOptimize(session.take_delivery());
        session.on_delivered(++number, Instant{});
      }
      benchmark::DoNotOptimize(session.output().size());
      session.clear_output();
    }
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(std::size(lines)));
}
BENCHMARK(session_steps);

void record_formatting(benchmark::State& state) {
  const Envelope envelope{"client.example",
                          "sender@example",
                          {"one@example", "two@example"},
                          wire_body(std::size_t(state.range(0)))};
  std::uint64_t number = 0;
  for (auto _ : state) benchmark::DoNotOptimize(format_record(envelope, ++number, "postable"));
  state.SetItemsProcessed(std::int64_t(state.iterations()));
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(envelope.body.size()));
}
BENCHMARK(record_formatting)->Arg(1024)->Arg(100 * 1024);

}  // namespace

BENCHMARK_MAIN();
