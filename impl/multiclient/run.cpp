#include "multiclient/run.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "multiclient/session_runner.hpp"
#include "multiclient/verify.hpp"

namespace postable::multiclient {

namespace {

// A progress line on a terminal, every half second until `finished`.
void show_progress(Stats& stats, std::chrono::steady_clock::time_point start,
                   const std::atomic<bool>& finished) {
  while (!finished) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "\rsessions " << stats.sessions() << "  ops " << stats.ops() << "  ops/s "
              << std::uint64_t(double(stats.ops()) / seconds) << "  errors " << stats.errors()
              << "   " << std::flush;
  }
  std::cerr << "\n";
}

}  // namespace

RunResult run_stress(const Options& options) {
  Stats stats;
  std::atomic<std::uint64_t> started{0};
  const auto start = std::chrono::steady_clock::now();
  const auto stop_at = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(options.duration_seconds));
  const auto more = [&] {
    if (std::chrono::steady_clock::now() >= stop_at) return false;
    return options.sessions == 0 || started.fetch_add(1) < options.sessions;
  };
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < options.connections; ++c) {
    threads.emplace_back([&, c] {
      Rng rng(options.seed * 0x9e3779b97f4a7c15ULL + c + 1);
      Tally tally;
      std::uint64_t last_number = 0;
      while (more()) {
        SessionRunner(options, stats, tally, rng, last_number).run();
        stats.merge(tally);
      }
    });
  }
  std::atomic<bool> finished{false};
  std::thread progress([&] {
    if (!options.quiet && isatty(STDERR_FILENO)) show_progress(stats, start, finished);
  });
  for (std::thread& thread : threads) thread.join();
  finished = true;
  progress.join();

  RunResult result;
  result.seed = options.seed;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.summary = stats.summary();
  // The server may still be moving the last full group (it has a second for that).
  for (int attempt = 0; !options.verify_dir.empty() && attempt < 4; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(400));
    result.verify_problems = verify_mailbox(options.verify_dir, result.summary.delivered,
                                            options.name, options.backup_every);
    if (result.verify_problems.empty()) break;
  }
  return result;
}

}  // namespace postable::multiclient
