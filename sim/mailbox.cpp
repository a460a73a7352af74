#include "sim/mailbox.hpp"

#include "core/record.hpp"
#include "sim/connection.hpp"

namespace postable::sim {

// How long a delivery's batching turn lasts: a yield of the CPU to the threads under way.
inline constexpr double turn_min_ms = 0.001, turn_max_ms = 0.02;

Mailbox::Mailbox(Context context)
    : context_(std::move(context)), machine_(context_.params.backup_every) {}

Duration Mailbox::drawn(double min_ms, double max_ms) {
  const auto low = std::int64_t(min_ms * 1e6);
  const auto high = std::int64_t(max_ms * 1e6);
  return Duration(low + std::int64_t(context_.rng.below(std::uint64_t(high - low) + 1)));
}

bool Mailbox::fails(double chance) {
  return chance > 0 && double(context_.rng.below(1'000'000)) < chance * 1e6;
}

void Mailbox::deliver(Connection& c, Envelope envelope) {
  c.delivery = std::move(envelope);
  c.delivering = true;
  c.appended = false;
  if (machine_.write_step() == WriteStep::wait) return writers_.push_back(&c);
  write(c);
}

// The record appended to the live file, under the lock, with the number the machine gives.
void Mailbox::write(Connection& c) {
  if (moving_) return context_.oracle.wrote_during_move(c.id);
  const std::uint64_t number = machine_.next_number();
  std::string record = c.stored_body
                           ? format_record_head(c.delivery, number, context_.server_name) +
                                 *c.stored_body + std::string(record_end)
                           : format_record(c.delivery, number, context_.server_name);
  live_ += record;
  if (!context_.oracle.stored(number, std::move(record), c.id)) return;
  if (c.reset && c.client_closed) {  // its client is gone: nobody will hear the reply
    context_.oracle.excuse(c.id, c.client->mirror().last_sent(), std::string(context_.server_name));
  }
  Wakes wakes;
  c.ticket = machine_.appended(live_.size(), wakes);
  c.number = number;
  c.appended = true;
  c.batching = {};
  ++context_.summary.messages;
  wake(wakes);
  step(c);
}

// A delivery's steps, until it sleeps, yields, runs a sync, or ends.
void Mailbox::step(Connection& c) {
  const DeliveryStep next = machine_.delivery_step(c.ticket, c.batching);
  switch (next) {
    case DeliveryStep::durable:
    case DeliveryStep::lost:
      c.delivering = false;
      return context_.resume(
          c, next == DeliveryStep::durable ? std::optional(c.number) : std::nullopt);
    case DeliveryStep::yield: {
      const Instant over = context_.agenda.now() + drawn(turn_min_ms, turn_max_ms);
      // A turn in which nothing can happen (no notice is due before it ends) passes at once.
      if (!context_.agenda.due_by(over)) return step(c);
      return context_.agenda.schedule(over, Notice{Kind::delivery_turn, c.id, c.slot});
    }
    case DeliveryStep::sync:
      run_sync(&c);
      return synced_waiters_.push_back(&c);
    case DeliveryStep::wait:
      return synced_waiters_.push_back(&c);
  }
}

void Mailbox::turn_over(Connection& c) {
  if (!c.delivering || c.server_closed) return;  // a turn of a server that has since died
  step(c);
}

// The sync a step began, run by a delivery (`by`) or by the backup thread (nullptr); it takes
// a drawn while.
void Mailbox::run_sync(Connection* by) {
  backup_syncs_ = by == nullptr;
  syncing_bytes_ = live_.size();
  context_.agenda.schedule(
      context_.agenda.now() + drawn(context_.params.sync_min_ms, context_.params.sync_max_ms),
      Notice{Kind::sync_done, life_});
}

void Mailbox::sync_done(std::uint64_t life) {
  if (life != life_) return;  // a sync of a server that has since died
  const bool ok = !fails(context_.params.sync_fail_chance);
  if (ok) durable_bytes_ = syncing_bytes_;
  const SyncEnd end = machine_.sync_ended(ok);
  if (end.loss) {
    ++context_.summary.syncs_failed;
    live_.resize(end.loss->cut_to_bytes);  // the store cuts the file back
    context_.oracle.lost_to_failed_sync(end.loss->first, end.loss->last);
  }
  if (std::exchange(backup_syncs_, false)) backup_busy_ = false;
  wake(end.wakes);
}

// Whom the machine named, woken in the order they fell asleep.
void Mailbox::wake(const Wakes& wakes) {
  if (wakes.synced) {
    // Only a sync's end wakes them, a notice of its own: never while this loop runs.
    woken_.swap(synced_waiters_);
    for (Connection* c : woken_) {
      if (context_.oracle.failed()) break;
      step(*c);
    }
    woken_.clear();
  }
  if (wakes.writers) {
    for (std::size_t n = writers_.size(); n > 0 && machine_.write_step() == WriteStep::append;
         --n) {
      Connection* c = writers_.front();
      writers_.pop_front();
      write(*c);
      if (context_.oracle.failed()) return;
    }
  }
  if (wakes.backup && !backup_busy_) step_backup();
}

void Mailbox::step_backup() {
  switch (machine_.backup_step()) {
    case BackupStep::exit:
    case BackupStep::wait:
      return;
    case BackupStep::sync:
      backup_busy_ = true;
      return run_sync(nullptr);
    case BackupStep::move:
      return begin_move();
  }
}

// The move takes a drawn while; it may fail (its messages then stay in the live file).
void Mailbox::begin_move() {
  moving_range_ = machine_.begin_move();
  // A crash could otherwise lose acknowledged mail.
  context_.oracle.backup_began(moving_range_, durable_bytes_ >= live_.size());
  if (context_.oracle.failed()) return;
  moving_ = backup_busy_ = true;
  backup_started_ = context_.agenda.now();
  context_.agenda.schedule(
      backup_started_ + drawn(context_.params.backup_min_ms, context_.params.backup_max_ms),
      Notice{Kind::backup_done, life_});
}

void Mailbox::move_done(std::uint64_t life) {
  if (life != life_) return;  // the backup of a server that has since died
  moving_ = false;
  const bool moved = !fails(context_.params.move_fail_chance);
  if (moved) {
    context_.oracle.backed_up(moving_range_);
    if (context_.oracle.failed()) return;
    if (context_.trace) {
      context_.trace->span(context_.params.workers, moving_range_.file_name(), backup_started_,
                           context_.agenda.now());
    }
    add_backup(moving_range_);
    live_.clear();
    durable_bytes_ = 0;
  } else {
    ++context_.summary.moves_failed;
    context_.oracle.move_failed();
  }
  const MoveEnd end = machine_.move_ended(moved);
  if (end.sync_names) {
    context_.agenda.schedule(
        context_.agenda.now() + drawn(context_.params.sync_min_ms, context_.params.sync_max_ms),
        Notice{Kind::names_synced, life_});
  } else {
    backup_busy_ = false;
  }
  wake(end.wakes);
  if (!backup_busy_) step_backup();
}

void Mailbox::names_synced(std::uint64_t life) {
  if (life != life_) return;
  backup_busy_ = false;
  wake(machine_.names_synced());
  if (!backup_busy_) step_backup();
}

}  // namespace postable::sim
