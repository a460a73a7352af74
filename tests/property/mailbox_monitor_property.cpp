// The real Mailbox monitor, its very template code, under the controlled scheduler: random
// deliverers, messages and backup sizes over the real file store in a temporary folder, in
// an interleaving RapidCheck chooses (spurious wake-ups included). Afterwards the files must
// hold numbers 1..N once each, each backup exactly its group, named for it, in order, and
// every acknowledged message under its number; no write may land while a backup is due or
// moving, and nobody may be left waiting.
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <string>
#include <vector>

#include "property/scheduler.hpp"
#include "property/watched_store.hpp"
#include "server/mailbox.hpp"
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
                        const std::vector<std::size_t>& choices, std::size_t spurious) {
  TemporaryFolder folder;
  FileStore files(folder.path());
  WatchedStore store(files, backup_every);
  Mailbox<WatchedStore, ControlledSync> mailbox(store, backup_every, "postable");
  std::vector<std::vector<Delivered>> acknowledged(messages_per_thread.size());
  std::string schedule;
  const auto failure = run_controlled(
      choices, spurious,
      [&] {
        ControlledThread backup("backup", [&] {
          mailbox.run_backups([](const BackupRange&) { throw Broken("a backup failed"); });
        });
        std::vector<ControlledThread> deliverers;
        for (std::size_t t = 0; t < messages_per_thread.size(); ++t) {
          deliverers.emplace_back("deliverer " + std::to_string(t), [&, t] {
            for (int m = 0; m < messages_per_thread[t]; ++m) {
              Envelope envelope{"h" + std::to_string(t),
                                "s@x",
                                {"r@y"},
                                "t" + std::to_string(t) + "m" + std::to_string(m) + "\n"};
              const auto number = mailbox.deliver(envelope, [] { throw Broken("a write failed"); });
              if (!number) throw Broken("a delivery was refused");
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
  for (int m : messages_per_thread) total += std::uint64_t(m);
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
  const std::string wrong = deliver_all(messages, backup_every, choices, spurious);
  RC_LOG() << wrong;
  RC_ASSERT(wrong.empty());
}
