// The Mailbox and Pool monitors with std:: primitives and real threads, with random short
// sleeps between their steps: the same invariants as under the controlled scheduler, and,
// built with ThreadSanitizer (`make tsan`), no data race.
#define BOOST_TEST_MODULE monitor_stress
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "core/rng.hpp"
#include "server/file_store.hpp"
#include "server/mailbox.hpp"
#include "server/pool.hpp"
#include "server/posix_folder.hpp"
#include "support/mailbox_folder.hpp"

using namespace postable;
using namespace postable::testing;

namespace {

void nap(Rng& rng) {
  std::this_thread::sleep_for(std::chrono::microseconds(rng.below(200)));
}

// The file store, slowed: a move and a sync take a while, so that deliveries really meet a
// backup and pile up behind a sync. (A sync runs beside appends: each has its own Rng.)
struct SlowStore {
  FileStore& files;
  Rng move_rng, sync_rng;
  bool append(std::string_view head, const StoredBody& body, std::string_view end) {
    return files.append(head, body, end);
  }
  std::uint64_t size_bytes() const { return files.size_bytes(); }
  bool sync() {
    nap(sync_rng);
    return files.sync();
  }
  bool sync_names() {
    nap(sync_rng);
    return files.sync_names();
  }
  bool cut(std::uint64_t bytes) { return files.cut(bytes); }
  bool move_to_backup(const BackupRange& range) {
    nap(move_rng);
    return files.move_to_backup(range);
  }
  const std::string& last_error() const { return files.last_error(); }
  const std::string& sync_error() const { return files.sync_error(); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(real_threads_number_order_and_group_every_message) {
  for (std::uint64_t round = 1; round <= 8; ++round) {
    Rng rng(round);
    const auto deliverers = std::size_t(rng.between(2, 12));
    const auto messages = int(rng.between(1, 40));
    const std::uint64_t backup_every = rng.between(1, 7);
    TemporaryFolder folder;
    PosixFolder posix(folder.path());
    FileStore files(posix, Durability::sync);
    files.start_fresh();
    SlowStore store{files, Rng(rng.next()), Rng(rng.next())};
    Mailbox<SlowStore> mailbox(store, backup_every, "postable",
                               [](const std::string& error) { BOOST_ERROR(error); });
    std::thread backup([&] { mailbox.run_backups(); });
    std::mutex acknowledged_lock;
    std::vector<std::pair<std::uint64_t, std::string>> acknowledged;
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < deliverers; ++t) {
      threads.emplace_back([&, t, seed = rng.next()] {
        Rng mine(seed);
        for (int m = 0; m < messages; ++m) {
          nap(mine);
          const std::string body = "t" + std::to_string(t) + "m" + std::to_string(m);
          const auto number = mailbox.deliver(Envelope{"h", "s@x", {"r@y"}, body + "\n"});
          std::lock_guard lock(acknowledged_lock);
          acknowledged.emplace_back(number.value_or(0), body);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    mailbox.stop();
    backup.join();

    const auto stored = read_mailbox_folder(folder.path());
    const std::uint64_t total = deliverers * std::uint64_t(messages);
    BOOST_TEST(check_mailbox_folder(stored, total, backup_every) == "", "round " << round);
    std::map<std::uint64_t, std::string> body_of;
    for (const auto& [name, records] : stored) {
      for (const StoredRecord& record : records) body_of[record.number] = record.body;
    }
    for (const auto& [number, body] : acknowledged) BOOST_TEST(body_of[number] == body);
    // Durable: every record synced (at least one sync), one sync covering many at times.
    BOOST_TEST(files.data_syncs() > 0u);
    BOOST_TEST(files.data_syncs() <= total);
  }
}

BOOST_AUTO_TEST_CASE(real_threads_serve_every_connection_once_within_the_pool) {
  for (std::uint64_t round = 1; round <= 8; ++round) {
    Rng rng(round);
    const auto workers = std::size_t(rng.between(1, 8));
    const auto connections = std::size_t(rng.between(0, 200));
    Pool<std::size_t> pool(workers);
    std::mutex watch_lock;
    std::vector<int> served(connections, 0);
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w) {
      threads.emplace_back([&, seed = rng.next()] {
        Rng mine(seed);
        while (const auto connection = pool.next_connection()) {
          {
            std::lock_guard lock(watch_lock);
            ++served[*connection];
          }
          nap(mine);
        }
      });
    }
    for (std::size_t c = 0; c < connections; ++c) {
      BOOST_REQUIRE(pool.wait_for_idle_worker());
      pool.hand_off(c);
    }
    pool.stop();
    for (std::thread& thread : threads) thread.join();
    for (std::size_t c = 0; c < connections; ++c) BOOST_TEST(served[c] == 1, "connection " << c);
  }
}
