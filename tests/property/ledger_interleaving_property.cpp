// The mailbox ledger under any interleaving. k deliverers (1..64) and the backup thread run
// the monitor's protocol step by step (a delivery: lock, check, take a number, write, finish;
// a backup: lock, begin, move, finish) over the real MailboxLedger and an in-memory store, in
// an order RapidCheck chooses among the steps that can run. Afterwards: numbers 1..N once
// each, each backup holding exactly its group under its name, the live file the rest, every
// acknowledged message stored as sent; during the run, no write while a backup is due or
// moving; and never a state where nobody can move.
//
// Why it stays beside mailbox_monitor_property.cpp, which runs the real monitor: this one
// steps the protocol itself, one step of a thread at a time (lock, check, number, write,
// finish), with up to 64 deliverers and no real files or threads, so RapidCheck reaches
// and shrinks orders the scheduler of the monitor property explores only slowly; it is the
// C++ twin of proofs/mailbox.pml, and the monitor property then shows that the template
// code follows this protocol.
//
// Test-only variants plant a bug in this protocol (see tests/mutants.cmake):
//   POSTABLE_MUTANT_SKIP_BACKUP_WAIT, POSTABLE_MUTANT_NUMBER_OUTSIDE_LOCK,
//   POSTABLE_MUTANT_WRONG_BACKUP_NAME, POSTABLE_MUTANT_BACKUP_WAKES_NOBODY.
#define BOOST_TEST_MODULE ledger_interleaving
#define BOOST_TEST_DYN_LINK
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/mailbox_ledger.hpp"
#include "property/assertions_throw.hpp"
#include "support/mailbox_folder.hpp"

namespace {

using namespace postable;
using postable::testing::check_mailbox_folder;
using postable::testing::StoredRecord;

enum class Step { idle, want_lock, check, take_number, write, finish, waiting, done };
enum class BackupStep {
  want_lock,
  check,
  begin,
  move,
  moved,
  want_lock_again,
  finish,
  waiting,
  done
};

struct Deliverer {
  int messages_left = 0;
  int sent = 0;
  Step step = Step::idle;
  std::uint64_t number = 0;
  std::vector<std::uint64_t> acknowledged;
};

class World {
 public:
  World(const std::vector<int>& messages, std::uint64_t backup_every)
      : ledger_(backup_every), backup_every_(backup_every) {
    for (int m : messages) deliverers_.push_back({m, 0, Step::idle, 0, {}});
  }

  // Runs to the end; returns what broke, with the steps that led there.
  std::string run(const std::vector<std::size_t>& choices) {
    std::size_t next_choice = 0;
    for (;;) {
      std::vector<std::size_t> ready;  // deliverers by index; the backup thread as size()
      for (std::size_t d = 0; d < deliverers_.size(); ++d) {
        if (can_step(deliverers_[d])) ready.push_back(d);
      }
      if (can_step_backup()) ready.push_back(deliverers_.size());
      if (ready.empty()) break;
      const std::size_t pick =
          next_choice < choices.size() ? choices[next_choice++] % ready.size() : 0;
      const std::string broken =
          ready[pick] == deliverers_.size() ? step_backup() : step_deliverer(ready[pick]);
      if (!broken.empty()) return broken + "\nsteps:\n" + log_;
    }
    if (backup_ != BackupStep::done || !all_done()) {
      return "deadlock: nobody can move\nsteps:\n" + log_;
    }
    return check_files();
  }

 private:
  bool can_step(const Deliverer& d) const {
    switch (d.step) {
      case Step::want_lock:
        return !locked_;
      case Step::waiting:
      case Step::done:
        return false;
      default:
        return true;
    }
  }

  bool can_step_backup() const {
    switch (backup_) {
      case BackupStep::want_lock:
      case BackupStep::want_lock_again:
        return !locked_;
      case BackupStep::waiting:
      case BackupStep::done:
        return false;
      default:
        return true;
    }
  }

  std::string step_deliverer(std::size_t index) {
    Deliverer& d = deliverers_[index];
    const std::string who = "d" + std::to_string(index);
    switch (d.step) {
      case Step::idle:
        if (d.messages_left == 0) {
          d.step = Step::done;
          log_ += who + " is done\n";
          if (all_done()) stop();
          return "";
        }
#ifdef POSTABLE_MUTANT_NUMBER_OUTSIDE_LOCK
        d.number = ledger_.next_number();
        log_ += who + " takes number " + std::to_string(d.number) + " before the lock\n";
#endif
        d.step = Step::want_lock;
        return "";
      case Step::want_lock:
        locked_ = true;
        d.step = Step::check;
        log_ += who + " locks\n";
        return "";
      case Step::check:
#ifdef POSTABLE_MUTANT_SKIP_BACKUP_WAIT
        d.step = Step::take_number;
#else
        if (ledger_.may_write()) {
          d.step = Step::take_number;
        } else {
          d.step = Step::waiting;  // waits on `writable`, which unlocks
          locked_ = false;
          log_ += who + " waits for the backup\n";
        }
#endif
        return "";
      case Step::take_number:
#ifndef POSTABLE_MUTANT_NUMBER_OUTSIDE_LOCK
        d.number = ledger_.next_number();
        log_ += who + " takes number " + std::to_string(d.number) + "\n";
#endif
        d.step = Step::write;
        return "";
      case Step::write:
        if (backup_moving_) return who + ": a write landed while a backup was moving the file";
        if (ledger_.backup_due()) return who + ": a write landed while a backup was due";
        live_.push_back({d.number, body(index, d.sent)});
        log_ += who + " writes message " + std::to_string(d.number) + "\n";
        d.step = Step::finish;
        return "";
      case Step::finish:
        ledger_.stored();
        if (ledger_.backup_due() && backup_ == BackupStep::waiting) backup_ = BackupStep::want_lock;
        locked_ = false;
        d.acknowledged.push_back(d.number);
        ++d.sent;
        --d.messages_left;
        d.step = Step::idle;
        log_ += who + " is told " + std::to_string(d.number) + " and unlocks\n";
        return "";
      case Step::waiting:
      case Step::done:
        break;
    }
    return who + " stepped while it could not";
  }

  std::string step_backup() {
    switch (backup_) {
      case BackupStep::want_lock:
      case BackupStep::want_lock_again:
        locked_ = true;
        backup_ = backup_ == BackupStep::want_lock ? BackupStep::check : BackupStep::finish;
        return "";
      case BackupStep::check:
        if (ledger_.backup_due()) {
          backup_ = BackupStep::begin;
        } else if (stopping_) {
          backup_ = BackupStep::done;
          locked_ = false;
          log_ += "backup ends\n";
        } else {
          backup_ = BackupStep::waiting;
          locked_ = false;
        }
        return "";
      case BackupStep::begin:
        range_ = ledger_.begin_backup();
#ifdef POSTABLE_MUTANT_WRONG_BACKUP_NAME
        range_.first += 1;
#endif
        locked_ = false;  // the move happens outside the lock
        backup_ = BackupStep::move;
        log_ += "backup begins " + range_.file_name() + " and unlocks\n";
        return "";
      case BackupStep::move:
        backup_moving_ = true;
        backup_ = BackupStep::moved;
        log_ += "backup moves the file\n";
        return "";
      case BackupStep::moved:
        files_[range_.file_name()] = std::move(live_);
        live_.clear();
        backup_moving_ = false;
        backup_ = BackupStep::want_lock_again;
        return "";
      case BackupStep::finish:
        ledger_.finish_backup(true);
#ifndef POSTABLE_MUTANT_BACKUP_WAKES_NOBODY
        for (Deliverer& d : deliverers_) {  // notify_all on `writable`
          if (d.step == Step::waiting) d.step = Step::want_lock;
        }
#endif
        backup_ = BackupStep::check;  // goes round with the lock held
        log_ += "backup finishes and wakes the writers\n";
        return "";
      case BackupStep::waiting:
      case BackupStep::done:
        break;
    }
    return "the backup stepped while it could not";
  }

  bool all_done() const {
    for (const Deliverer& d : deliverers_) {
      if (d.step != Step::done) return false;
    }
    return true;
  }

  // mailbox.stop(): the backup thread ends once nothing is due.
  void stop() {
    stopping_ = true;
    if (backup_ == BackupStep::waiting) backup_ = BackupStep::want_lock;
  }

  static std::string body(std::size_t deliverer, int message) {
    return "d" + std::to_string(deliverer) + "m" + std::to_string(message);
  }

  std::string check_files() {
    std::map<std::string, std::vector<StoredRecord>> files;
    for (auto& [name, records] : files_) {
      for (const auto& [number, text] : records) files[name].push_back({number, text});
    }
    for (const auto& [number, text] : live_) files["mailbox"].push_back({number, text});
    files["mailbox"];  // the live file exists even when empty
    std::uint64_t total = 0;
    for (const Deliverer& d : deliverers_) total += d.acknowledged.size();
    std::string wrong = check_mailbox_folder(files, total, backup_every_);
    std::map<std::uint64_t, std::string> stored;
    for (const auto& [name, records] : files) {
      for (const StoredRecord& record : records) stored[record.number] = record.body;
    }
    for (std::size_t d = 0; d < deliverers_.size(); ++d) {
      for (std::size_t m = 0; m < deliverers_[d].acknowledged.size(); ++m) {
        const std::uint64_t number = deliverers_[d].acknowledged[m];
        if (stored[number] != body(d, int(m))) {
          wrong += "message " + std::to_string(number) + " is not stored as sent; ";
        }
      }
    }
    return wrong.empty() ? "" : wrong + "\nsteps:\n" + log_;
  }

  MailboxLedger ledger_;
  std::uint64_t backup_every_;
  std::vector<Deliverer> deliverers_;
  BackupStep backup_ = BackupStep::want_lock;
  bool locked_ = false, stopping_ = false, backup_moving_ = false;
  BackupRange range_;
  std::vector<std::pair<std::uint64_t, std::string>> live_;
  std::map<std::string, std::vector<std::pair<std::uint64_t, std::string>>> files_;
  std::string log_;
};

}  // namespace

using postable::testing::AssertionsThrow;
BOOST_TEST_GLOBAL_FIXTURE(AssertionsThrow);

RC_BOOST_PROP(the_ledger_numbers_orders_and_groups_under_any_interleaving, ()) {
  const auto messages =
      *rc::gen::container<std::vector<int>>(*rc::gen::inRange(1, 65), rc::gen::inRange(0, 4));
  const auto backup_every = *rc::gen::inRange<std::uint64_t>(1, 6);
  const auto choices =
      *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 64));
  World world(messages, backup_every);
  const std::string wrong = world.run(choices);
  RC_LOG() << wrong;
  RC_ASSERT(wrong.empty());
}
