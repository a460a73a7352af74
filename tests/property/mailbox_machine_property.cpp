// The mailbox machine (core/mailbox_machine.hpp) under any interleaving of its threads and any
// outcome of its disk. k deliverers (1..16) and the backup thread each run the machine's
// steps, one step of one thread at a time, as the monitor runs them under its lock; a sync,
// a move and the folder's sync run outside the lock, as steps of their own that end well or
// fail as RapidCheck draws. Threads sleep where the machine says wait and run again only when
// a step's wakes name them, so a wake-up the machine forgets is a deadlock here. Checked at
// every step: numbers in order, no write while a backup is due or moving, no 250 before a
// sync covered its record, a failed sync's records cut off, a move only of a durable group
// and never beside a sync, one sync at a time. At the end: every acknowledged message stored
// once as sent, each backup exactly its range, the live file the rest, no due group left.
// Planted bugs in the machine (tests/mutants.cmake) must be caught here.
#define BOOST_TEST_MODULE mailbox_machine
#define BOOST_TEST_DYN_LINK
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "core/mailbox_machine.hpp"
#include "property/assertions_throw.hpp"

namespace {

using namespace postable;

enum class Thread { ready, sleeps_to_write, sleeps_for_sync, sleeps_for_backup, outside, done };
enum class Outside { none, sync, move, names };

struct Deliverer {
  int messages_left = 0;
  Thread state = Thread::ready;
  Outside outside = Outside::none;
  bool appended = false;
  SyncTicket ticket;
  Batching batching;
  std::uint64_t number = 0;
};

struct Record {
  std::uint64_t number;
  bool durable;
};

class World {
 public:
  World(const std::vector<int>& messages, std::uint64_t backup_every, bool disk_fails)
      : machine_(backup_every), backup_every_(backup_every), disk_fails_(disk_fails) {
    for (int m : messages) {
      Deliverer d;
      d.messages_left = m;
      deliverers_.push_back(d);
    }
  }

  // Steps a thread RapidCheck picks among those that can run, to the end; what broke, if any.
  std::string run() {
    for (int steps = 0; steps < 20000; ++steps) {
      std::vector<std::size_t> ready;  // deliverers by index; the backup thread as size()
      for (std::size_t d = 0; d < deliverers_.size(); ++d) {
        const Thread s = deliverers_[d].state;
        if (s == Thread::ready || s == Thread::outside) ready.push_back(d);
      }
      if (backup_ == Thread::ready || backup_ == Thread::outside)
        ready.push_back(deliverers_.size());
      if (ready.empty()) break;
      const std::size_t pick = ready[*rc::gen::inRange<std::size_t>(0, ready.size())];
      if (pick == deliverers_.size()) {
        step_backup();
      } else {
        step_deliverer(deliverers_[pick], pick);
      }
      if (!broken_.empty()) return broken_ + "\nsteps:\n" + log_;
    }
    if (backup_ != Thread::done) return "deadlock: the backup thread never ends\nsteps:\n" + log_;
    for (const Deliverer& d : deliverers_) {
      if (d.state != Thread::done) return "deadlock: a delivery never ends\nsteps:\n" + log_;
    }
    return check_files();
  }

  std::uint64_t acknowledged() const { return acknowledged_; }
  std::uint64_t lost() const { return lost_; }
  std::uint64_t backups() const { return backups_; }

 private:
  bool disk_ok() { return !disk_fails_ || *rc::gen::inRange(0, 4) != 0; }

  void wake(const Wakes& wakes) {
    for (Deliverer& d : deliverers_) {
      if ((wakes.writers && d.state == Thread::sleeps_to_write) ||
          (wakes.synced && d.state == Thread::sleeps_for_sync)) {
        d.state = Thread::ready;
      }
    }
    if (wakes.backup && backup_ == Thread::sleeps_for_backup) backup_ = Thread::ready;
  }

  void step_deliverer(Deliverer& d, std::size_t index) {
    const std::string who = "d" + std::to_string(index);
    if (d.state == Thread::outside) return end_outside(d.outside, d.state, who);
    if (!d.appended) return append(d, who);
    switch (machine_.delivery_step(d.ticket, d.batching)) {
      case DeliveryStep::durable:
        return reply(d, true, who);
      case DeliveryStep::lost:
        return reply(d, false, who);
      case DeliveryStep::yield:
        return;  // another thread may run now
      case DeliveryStep::sync:
        return begin_outside(Outside::sync, d.outside, d.state, who);
      case DeliveryStep::wait:
        d.state = Thread::sleeps_for_sync;
        return;
    }
  }

  void append(Deliverer& d, const std::string& who) {
    if (d.messages_left == 0) {
      d.state = Thread::done;
      if (++done_ == deliverers_.size()) wake(machine_.stop());
      return;
    }
    if (machine_.write_step() == WriteStep::wait) {
      d.state = Thread::sleeps_to_write;
      return;
    }
    if (moving_) broken_ = who + ": a write landed while a backup was moving the file";
    if (machine_.ledger().backup_due()) broken_ = who + ": a write landed while a backup was due";
    d.number = machine_.next_number();
    const std::uint64_t expected = live_.empty() ? backed_up_ + 1 : live_.back().number + 1;
    if (d.number != expected) {
      broken_ = who + " numbered " + std::to_string(d.number) + " where " +
                std::to_string(expected) + " was next";
    }
    live_.push_back({d.number, false});
    Wakes wakes;
    d.ticket = machine_.appended(live_.size(), wakes);
    d.appended = true;
    log_ += who + " appends " + std::to_string(d.number) + "\n";
    wake(wakes);
  }

  void reply(Deliverer& d, bool durable, const std::string& who) {
    const bool in_backup = d.number <= backed_up_;
    const bool in_live = d.number > backed_up_ && d.number - backed_up_ <= live_.size();
    if (durable && !in_backup && !(in_live && live_[d.number - backed_up_ - 1].durable)) {
      broken_ =
          who + ": message " + std::to_string(d.number) + " acknowledged before a sync covered it";
    }
    ++(durable ? acknowledged_ : lost_);
    log_ += who + (durable ? " is told 250 for " : " is told 451 for ") + std::to_string(d.number) +
            "\n";
    d.appended = false;
    --d.messages_left;
  }

  void begin_outside(Outside what, Outside& outside, Thread& state, const std::string& who) {
    if (what != Outside::move && (syncing_ || moving_))
      broken_ = who + ": a sync began beside another sync or a move";
    if (what == Outside::sync) sync_covers_ = live_.size();
    syncing_ = what != Outside::move;
    outside = what;
    state = Thread::outside;
    log_ += who + (what == Outside::sync ? " begins a sync\n" : " begins the folder's sync\n");
  }

  void end_outside(Outside& outside, Thread& state, const std::string& who) {
    state = Thread::ready;
    const Outside what = std::exchange(outside, Outside::none);
    if (what == Outside::move) return end_move(who);
    syncing_ = false;
    if (what == Outside::names) return wake(machine_.names_synced());
    const bool ok = disk_ok();
    log_ += who + (ok ? "'s sync ends well\n" : "'s sync fails\n");
    if (ok) {
      for (std::size_t r = 0; r < sync_covers_ && r < live_.size(); ++r) live_[r].durable = true;
    }
    const SyncEnd end = machine_.sync_ended(ok);
    if (end.loss) {
      std::size_t keep = end.loss->cut_to_bytes;
      for (std::size_t r = keep; r < live_.size(); ++r) {
        if (live_[r].durable) broken_ = "a failed sync cut a durable record off";
      }
      live_.resize(keep);
      for (const Record& r : live_) {
        if (!r.durable) broken_ = "a failed sync kept message " + std::to_string(r.number);
      }
    } else if (!ok) {
      broken_ = "a failed sync lost nothing";
    }
    wake(end.wakes);
  }

  void step_backup() {
    if (backup_ == Thread::outside) return end_outside(backup_outside_, backup_, "backup");
    switch (machine_.backup_step()) {
      case BackupStep::exit:
        backup_ = Thread::done;
        return;
      case BackupStep::wait:
        backup_ = Thread::sleeps_for_backup;
        return;
      case BackupStep::sync:
        return begin_outside(Outside::sync, backup_outside_, backup_, "backup");
      case BackupStep::move:
        return begin_move();
    }
  }

  void begin_move() {
    range_ = machine_.begin_move();
    if (syncing_) broken_ = "a move began while a sync ran";
    for (const Record& r : live_) {
      if (!r.durable)
        broken_ = "a move began before a sync covered message " + std::to_string(r.number);
    }
    moving_ = true;
    backup_outside_ = Outside::move;
    backup_ = Thread::outside;
    log_ += "backup begins " + range_.file_name() + "\n";
  }

  void end_move(const std::string& who) {
    moving_ = false;
    const bool moved = disk_ok();
    log_ += who + (moved ? " moved " : " failed to move ") + range_.file_name() + "\n";
    if (moved) {
      std::string numbers, wanted;
      for (const Record& r : live_) numbers += std::to_string(r.number) + " ";
      for (std::uint64_t n = range_.first; n <= range_.last; ++n) wanted += std::to_string(n) + " ";
      if (numbers != wanted) broken_ = range_.file_name() + " holds [" + numbers + "]";
      if (range_.first != backed_up_ + 1) broken_ = "an unexpected file " + range_.file_name();
      backed_up_ = range_.last;
      live_.clear();
      ++backups_;
    }
    const MoveEnd end = machine_.move_ended(moved);
    wake(end.wakes);
    if (end.sync_names) begin_outside(Outside::names, backup_outside_, backup_, who);
  }

  std::string check_files() {
    std::string wrong;
    if (backed_up_ + live_.size() != acknowledged_) {
      wrong += "the files hold " + std::to_string(backed_up_ + live_.size()) + " messages, " +
               std::to_string(acknowledged_) + " acknowledged; ";
    }
    if (machine_.ledger().backup_due()) wrong += "a due backup was left unmade; ";
    if (!disk_fails_ && live_.size() >= backup_every_) wrong += "a full group left in mailbox; ";
    return wrong.empty() ? "" : wrong + "\nsteps:\n" + log_;
  }

  MailboxMachine machine_;
  std::uint64_t backup_every_;
  bool disk_fails_;
  std::vector<Deliverer> deliverers_;
  std::size_t done_ = 0;
  Thread backup_ = Thread::ready;
  Outside backup_outside_ = Outside::none;
  bool syncing_ = false, moving_ = false;
  std::size_t sync_covers_ = 0;
  BackupRange range_;
  std::vector<Record> live_;  // its "bytes": one per record, so a cut is a count
  std::uint64_t backed_up_ = 0, acknowledged_ = 0, lost_ = 0, backups_ = 0;
  std::string broken_, log_;
};

}  // namespace

using postable::testing::AssertionsThrow;
BOOST_TEST_GLOBAL_FIXTURE(AssertionsThrow);

RC_BOOST_PROP(the_machine_numbers_commits_and_groups_under_any_interleaving, ()) {
  const auto messages =
      *rc::gen::container<std::vector<int>>(*rc::gen::inRange(1, 17), rc::gen::inRange(0, 5));
  const auto backup_every = *rc::gen::inRange<std::uint64_t>(1, 6);
  const bool disk_fails = *rc::gen::arbitrary<bool>();
  World world(messages, backup_every, disk_fails);
  const std::string wrong = world.run();
  RC_CLASSIFY(world.acknowledged() > 20, "over 20 acknowledged");
  RC_CLASSIFY(world.lost() > 0, "a message lost to a failed sync");
  RC_CLASSIFY(world.backups() > 0, "a backup made");
  RC_LOG() << wrong;
  RC_ASSERT(wrong.empty());
}
