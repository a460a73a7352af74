#include "sim/sweep.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "sim/sweep_report.hpp"

namespace postable::sim {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

// The seeds of this shard: every shards-th of the range, from the shard-th on.
std::vector<std::uint64_t> seeds_of(const SweepOptions& options) {
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = options.first, index = 0; seed <= options.last; ++seed, ++index) {
    if (index % options.shards == options.shard) seeds.push_back(seed);
    if (seed == std::numeric_limits<std::uint64_t>::max()) break;
  }
  return seeds;
}

// The worlds' results as they come, and the first index that violated (past which, unless
// the sweep keeps going, no world is started and none is reported).
struct Results {
  std::mutex mutex;
  std::condition_variable ready;
  std::vector<std::optional<WorldResult>> by_index;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> first_violation{none};
};

void work(const Params& base, const Fixed& fixed, const SweepOptions& options,
          const std::vector<std::uint64_t>& seeds, Results& results) {
  for (;;) {
    const std::size_t index = results.next.fetch_add(1);
    if (index >= seeds.size() || index > results.first_violation.load()) return;
    Params params = base;
    params.seed = seeds[index];
    WorldResult result = run_world(params, fixed, options.run);
    if (result.violated && !options.keep_going) {
      std::size_t seen = results.first_violation.load();
      while (index < seen && !results.first_violation.compare_exchange_weak(seen, index)) {
      }
    }
    const std::lock_guard lock(results.mutex);
    results.by_index[index] = std::move(result);
    results.ready.notify_all();
  }
}

}  // namespace

int run_sweep(const Params& base, const Fixed& fixed, const SweepOptions& options) {
  const std::vector<std::uint64_t> seeds = seeds_of(options);
  Results results;
  results.by_index.resize(seeds.size());
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < std::max(1u, options.jobs); ++j) {
    threads.emplace_back([&] { work(base, fixed, options, seeds, results); });
  }
  std::vector<std::string> lines;
  std::optional<std::ofstream> jsonl;
  if (!options.jsonl.empty()) jsonl.emplace(options.jsonl);
  const bool tell = !options.run.quiet;
  auto told = Clock::now();
  int status = 0;
  for (std::size_t index = 0; index < seeds.size() && index <= results.first_violation; ++index) {
    std::unique_lock lock(results.mutex);
    while (!results.by_index[index]) {
      results.ready.wait_for(lock, std::chrono::seconds(1));
      if (tell && Clock::now() - told >= std::chrono::seconds(5)) {
        told = Clock::now();
        std::cerr << "sweep: " << index << " of " << seeds.size() << " worlds reported\n";
      }
    }
    const WorldResult& result = *results.by_index[index];
    std::cout << result.text << std::flush;
    lines.push_back(result.line);
    if (jsonl) *jsonl << result.line << "\n";
    if (result.violated) status = 1;
    results.by_index[index].reset();  // printed: its text is no longer needed
  }
  for (std::thread& thread : threads) thread.join();
  std::cout << sweep_report(lines);
  return status;
}

}  // namespace postable::sim
