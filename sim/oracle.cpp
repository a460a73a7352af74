#include "sim/oracle.hpp"

#include "core/record.hpp"

namespace postable::sim {

void Oracle::fail(std::string invariant, std::uint64_t client) {
  if (violation_) return;
  violation_ = Violation{std::move(invariant), client, transcript_of_(client)};
}

bool Oracle::stored(std::uint64_t number, std::string record, std::uint64_t client) {
  live_file_.push_back(number);
  if (!unacknowledged_.emplace(number, Unacknowledged{std::move(record), client}).second) {
    fail("message number " + std::to_string(number) + " was stored twice", client);
    return false;
  }
  return true;
}

void Oracle::lost_to_failed_sync(std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t number = last; number >= first && number > 0; --number) {
    if (acknowledged_live_.contains(number)) {
      return fail("a failed sync took back acknowledged message " + std::to_string(number), 0);
    }
    if (live_file_.empty() || live_file_.back() != number) {
      return fail("a failed sync took back message " + std::to_string(number) +
                      ", which does not end the live file",
                  0);
    }
    live_file_.pop_back();
    const auto stored = unacknowledged_.find(number);
    if (stored != unacknowledged_.end()) {
      refusable_.insert(stored->second.client);
      unacknowledged_.erase(stored);
    }
  }
}

bool Oracle::refusal_excused(std::uint64_t client) {
  const auto found = refusable_.find(client);
  if (found == refusable_.end()) return false;
  refusable_.erase(found);
  return true;
}

void Oracle::acknowledged(std::uint64_t number, const Envelope& envelope, const std::string& name,
                          std::uint64_t client) {
  if (lost_in_crash_.contains(number)) {
    return fail("acknowledged message " + std::to_string(number) + " was lost in a crash", client);
  }
  // The stored bytes are read back through the one reader of the format, as a user's
  // mail reader would read the file, and must give exactly the message the client sent.
  auto stored = unacknowledged_.find(number);
  if (stored == unacknowledged_.end() ||
      !reads_back_as(stored->second.record, number, envelope, name)) {
    return fail("message " + std::to_string(number) + " was acknowledged but is not stored as sent",
                client);
  }
  acknowledged_live_.emplace(number, std::move(stored->second.record));
  unacknowledged_.erase(stored);
}

bool Oracle::reads_back_as(const std::string& record, std::uint64_t number,
                           const Envelope& envelope, const std::string& name) {
  parse_records(record, read_back_);
  return read_back_.problem.empty() && read_back_.records.size() == 1 &&
         read_back_.records[0].number == number && read_back_.records[0].server_name == name &&
         read_back_.records[0].envelope == envelope;
}

void Oracle::excuse(std::uint64_t client, const Envelope& sent, const std::string& name) {
  for (auto at = unacknowledged_.begin(); at != unacknowledged_.end();) {
    if (at->second.client != client) {
      ++at;
      continue;
    }
    if (!reads_back_as(at->second.record, at->first, sent, name)) {
      return fail("message " + std::to_string(at->first) +
                      " was stored in part: its connection was reset before it ended",
                  client);
    }
    at = unacknowledged_.erase(at);
  }
}

void Oracle::backed_up(const BackupRange& range) {
  std::uint64_t expected = range.first;
  bool exact = live_file_.size() == range.last - range.first + 1;
  for (const std::uint64_t number : live_file_) exact = exact && number == expected++;
  if (!exact) {
    return fail(range.file_name() + " does not hold exactly messages " +
                    std::to_string(range.first) + ".." + std::to_string(range.last),
                0);
  }
  live_file_.clear();
  last_backed_up_ = range.last;
  last_move_failed_ = false;
  acknowledged_live_.erase(acknowledged_live_.begin(), acknowledged_live_.upper_bound(range.last));
}

void Oracle::crashed(const RecoveryPlan& plan, std::string_view live,
                     const std::vector<std::uint64_t>& unreplied) {
  const ParsedRecords recovered = parse_records(live);
  std::map<std::uint64_t, const ParsedRecord*> by_number;
  for (const ParsedRecord& record : recovered.records) by_number[record.number] = &record;
  for (const auto& [number, record] : acknowledged_live_) {
    if (number <= plan.backed_up) continue;  // recovery kept its group in the backup
    const auto found = by_number.find(number);
    const ParsedRecords sent = parse_records(record);
    if (found == by_number.end() || sent.records.size() != 1 ||
        !(*found->second == sent.records[0])) {
      return fail("acknowledged message " + std::to_string(number) + " was lost in a crash", 0);
    }
  }
  acknowledged_live_.erase(acknowledged_live_.begin(),
                           acknowledged_live_.upper_bound(plan.backed_up));
  const std::set<std::uint64_t> never_replied(unreplied.begin(), unreplied.end());
  for (auto at = unacknowledged_.begin(); at != unacknowledged_.end();) {
    const bool replied = !never_replied.contains(at->first);
    if (replied && at->first > plan.stored) lost_in_crash_.insert(at->first);
    // A record kept whose reply was never sent: no client will ask for it.
    at = replied && at->first <= plan.stored ? std::next(at) : unacknowledged_.erase(at);
  }
  live_file_.clear();
  for (std::uint64_t n = plan.backed_up + 1; n <= plan.stored; ++n) live_file_.push_back(n);
  last_backed_up_ = plan.backed_up;
}

void Oracle::accepted(std::uint64_t idle_workers, std::uint64_t client) {
  if (idle_workers == 0) fail("the acceptor accepted while no worker was idle", client);
}

void Oracle::backup_began(const BackupRange& range, bool covered) {
  if (!covered) fail("the backup of " + range.file_name() + " began before a sync covered it", 0);
}

void Oracle::timer_fired(Instant now, Instant last_restart, Duration timeout, std::uint64_t client,
                         Duration late_max) {
  const Instant due = last_restart + timeout;
  if (now < due || now > due + late_max) {
    fail("a timeout fired at " + std::to_string(now.since_origin.count()) +
             " ns; its deadline was " + std::to_string(due.since_origin.count()) + " ns",
         client);
  }
}

void Oracle::resumed(std::uint64_t stored, std::uint64_t backed_up) {
  for (const auto& entry : acknowledged_live_) {
    if (entry.first > stored) {
      return fail("acknowledged message " + std::to_string(entry.first) +
                      " was lost in a crash: recovery found messages 1.." + std::to_string(stored),
                  0);
    }
  }
  if (backed_up < last_backed_up_) {
    return fail("recovery found backups through message " + std::to_string(backed_up) +
                    ", but messages 1.." + std::to_string(last_backed_up_) + " had been backed up",
                0);
  }
  acknowledged_live_.erase(acknowledged_live_.begin(), acknowledged_live_.upper_bound(backed_up));
  unacknowledged_.clear();  // the clients of the run killed are gone: none will ask
  refusable_.clear();
  live_file_.clear();
  for (std::uint64_t n = backed_up + 1; n <= stored; ++n) live_file_.push_back(n);
  last_backed_up_ = backed_up;
  last_move_failed_ = false;
}

void Oracle::check_files_at_end(std::uint64_t backup_every) {
  std::uint64_t expected = last_backed_up_ + 1;
  for (const std::uint64_t number : live_file_) {
    if (number != expected++)
      return fail(
          "mailbox does not hold messages " + std::to_string(last_backed_up_ + 1) + ".. in order",
          0);
  }
  // A failed move leaves its group in mailbox until the next group's backup takes it too.
  if (live_file_.size() >= backup_every && !last_move_failed_) {
    return fail("a due backup of " + std::to_string(backup_every) + " messages was never made", 0);
  }
  if (!unacknowledged_.empty()) {
    fail("message " + std::to_string(unacknowledged_.begin()->first) +
             " was stored but its reply never reached the client",
         0);
  }
}

}  // namespace postable::sim
