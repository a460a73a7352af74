// The real Mailbox monitor, its very template code, under the controlled scheduler: random
// deliverers, messages, backup sizes and failing syncs over the real file store in a
// temporary folder, in an interleaving RapidCheck chooses (spurious wake-ups included). No
// message may be acknowledged before a sync covers it; afterwards the files must hold
// numbers 1..A once each (A: the acknowledged messages; a failed sync's records are taken
// off and their numbers given again), each backup exactly its group, named for it, in
// order, and every acknowledged message under its number; the store's rules hold
// (property/watched_store.hpp), and nobody may be left waiting.
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <string>
#include <vector>

#include "property/scheduler.hpp"
#include "property/watched_store.hpp"
#include "server/mailbox.hpp"
#include "server/posix_folder.hpp"
#include "support/mailbox_folder.hpp"

namespace {

using namespace postable;
using namespace postable::testing;

struct Delivered {
  std::uint64_t number;
  std::string body;
};

// Runs one interleaving; returns what went wrong, with the schedule that led there.
std::string deliver_all(const std::vector<int>& messages_per_thread, std::uint64_t backup_every,
                        const std::vector<bool>& failing_syncs,
                        const std::vector<std::size_t>& choices, std::size_t spurious) {
  TemporaryFolder folder;
  PosixFolder posix(folder.path());
  FileStore files(posix, Durability::none);
  files.start_fresh();
  WatchedStore store(files, backup_every, failing_syncs);
  Mailbox<WatchedStore, ControlledSync> mailbox(store, backup_every, "postable",
                                                [](const std::string& error) {
                                                  if (!error.starts_with("a sync failed"))
                                                    throw Broken(error);
                                                });
  std::vector<std::vector<Delivered>> acknowledged(messages_per_thread.size());
  std::string schedule;
  const auto failure = run_controlled(
      choices, spurious,
      [&] {
        ControlledThread backup("backup", [&] { mailbox.run_backups(); });
        std::vector<ControlledThread> deliverers;
        for (std::size_t t = 0; t < messages_per_thread.size(); ++t) {
          deliverers.emplace_back("deliverer " + std::to_string(t), [&, t] {
            for (int m = 0; m < messages_per_thread[t]; ++m) {
              Envelope envelope{"h" + std::to_string(t),
                                "s@x",
                                {"r@y"},
                                "t" + std::to_string(t) + "m" + std::to_string(m) + "\n"};
              const auto number = mailbox.deliver(envelope);
              if (!number) continue;  // its sync failed: the client would try again
              if (store.durable_through() < *number) {
                throw Broken("message " + std::to_string(*number) +
                             " was acknowledged before a sync covered it");
              }
              acknowledged[t].push_back(
                  {*number, envelope.body.substr(0, envelope.body.size() - 1)});
            }
          });
        }
        for (ControlledThread& deliverer : deliverers) deliverer.join();
        mailbox.stop();
        backup.join();
      },
      &schedule);
  if (failure) return *failure + "\nschedule:\n" + schedule;

  const auto stored = read_mailbox_folder(folder.path());
  std::uint64_t total = 0;
  for (const auto& thread : acknowledged) total += thread.size();
  std::string wrong = check_mailbox_folder(stored, total, backup_every);
  std::map<std::uint64_t, std::string> body_of;
  for (const auto& [name, records] : stored) {
    for (const StoredRecord& record : records) body_of[record.number] = record.body;
  }
  for (const auto& thread : acknowledged) {
    for (std::size_t i = 0; i < thread.size(); ++i) {
      if (body_of[thread[i].number] != thread[i].body) {
        wrong += "message " + std::to_string(thread[i].number) + " was acknowledged as `" +
                 thread[i].body + "` but the files hold `" + body_of[thread[i].number] + "`; ";
      }
      if (i > 0 && thread[i].number <= thread[i - 1].number) {
        wrong += "a deliverer's numbers went down; ";
      }
    }
  }
  return wrong.empty() ? "" : wrong + "\nschedule:\n" + schedule;
}

}  // namespace

RC_BOOST_PROP(the_mailbox_monitor_numbers_orders_and_groups_under_any_interleaving, ()) {
  const auto messages =
      *rc::gen::container<std::vector<int>>(*rc::gen::inRange(1, 6), rc::gen::inRange(0, 5));
  const auto backup_every = *rc::gen::inRange<std::uint64_t>(1, 5);
  const auto choices =
      *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 8));
  const auto spurious = *rc::gen::inRange<std::size_t>(0, 4);
  const auto failing_syncs = *rc::gen::container<std::vector<bool>>(
      rc::gen::weightedElement<bool>({{5, false}, {1, true}}));
  const std::string wrong = deliver_all(messages, backup_every, failing_syncs, choices, spurious);
  RC_LOG() << wrong;
  RC_ASSERT(wrong.empty());
}
