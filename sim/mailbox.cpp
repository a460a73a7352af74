#include "sim/mailbox.hpp"

#include "core/record.hpp"
#include "sim/connection.hpp"

namespace postable::sim {

namespace {

// A drawn while between `min_ms` and `max_ms`.
Duration drawn(Rng& rng, double min_ms, double max_ms) {
  const auto low = std::int64_t(min_ms * 1e6);
  const auto high = std::int64_t(max_ms * 1e6);
  return Duration(low + std::int64_t(rng.below(std::uint64_t(high - low) + 1)));
}

}  // namespace

Mailbox::Mailbox(Context context) : context_(context), ledger_(context.params.backup_every) {}

std::optional<std::uint64_t> Mailbox::deliver(Connection& c, Envelope envelope) {
  const bool waits = !context_.buggify.planted(Fault::delivery_ignores_backup);
  if (waits && !ledger_.may_write()) {
    waiting_.emplace_back(&c, std::move(envelope));
    return std::nullopt;
  }
  return store(c, envelope);
}

std::optional<std::uint64_t> Mailbox::store(Connection& c, const Envelope& envelope) {
  if (!ledger_.may_write()) {  // a backup is due or moving
    context_.oracle.fail("a delivery wrote while a backup was moving the mailbox", c.id);
    return std::nullopt;
  }
  std::uint64_t number = ledger_.next_number() + skipped_;
  if (context_.buggify.planted(Fault::skip_number) && number == 4 && skipped_ == 0)
    number += ++skipped_;
  std::string record = format_record(envelope, number, context_.server_name);
  live_ += record;
  if (!context_.oracle.stored(number, std::move(record), c.id)) return std::nullopt;
  if (c.reset && c.client_closed) {  // its client is gone: nobody will hear the reply
    context_.oracle.excuse(c.id, c.client->mirror().last_sent(), std::string(context_.server_name));
  }
  const SyncTicket ticket = sync_.appended(ledger_.next_number(), live_.size());
  ledger_.stored();
  ++context_.summary.messages;
  maybe_sync();
  if (context_.buggify.planted(Fault::reply_before_sync)) return number;
  synced_waiters_.push_back({&c, ticket, number});
  return std::nullopt;
}

// One sync at a time, started by the first delivery that finds none running.
void Mailbox::maybe_sync() {
  if (!sync_.sync_wanted()) return;
  sync_.begin_sync();
  syncing_bytes_ = live_.size();
  const Instant now = context_.agenda.now();
  context_.agenda.schedule(
      now + drawn(context_.rng, context_.params.sync_min_ms, context_.params.sync_max_ms),
      Notice{Kind::sync_done, life_});
}

void Mailbox::sync_done(std::uint64_t life, const Resume& resume) {
  if (life != life_) return;  // a sync of a server that has since died
  sync_.sync_succeeded();
  durable_bytes_ = syncing_bytes_;
  while (!synced_waiters_.empty() && sync_.fate(synced_waiters_.front().ticket) == Fate::durable) {
    const Waiting done = synced_waiters_.front();
    synced_waiters_.pop_front();
    resume(*done.connection, done.number);
    if (context_.oracle.failed()) return;
  }
  maybe_backup();
  maybe_sync();
}

// A group moves once it is durable; the backup thread wakes and its work takes a while.
void Mailbox::maybe_backup() {
  const auto& due = ledger_.backup_due();
  if (!due || sync_.synced_through() < due->last) return;
  moving_range_ = ledger_.begin_backup();
  const Instant now = context_.agenda.now();
  backup_started_ = now;
  context_.agenda.schedule(
      now + drawn(context_.rng, context_.params.backup_min_ms, context_.params.backup_max_ms),
      Notice{Kind::backup_done, life_});
}

void Mailbox::backup_done(std::uint64_t life, const Resume& resume) {
  if (life != life_) return;  // the backup of a server that has since died
  context_.oracle.backed_up(moving_range_);
  if (context_.oracle.failed()) return;
  if (context_.trace) {
    context_.trace->span(context_.params.workers, moving_range_.file_name(), backup_started_,
                         context_.agenda.now());
  }
  ledger_.finish_backup(true);
  add_backup(moving_range_);
  sync_.file_replaced();
  live_.clear();
  durable_bytes_ = 0;
  while (!waiting_.empty() && ledger_.may_write() && !context_.oracle.failed()) {
    auto [c, envelope] = std::move(waiting_.front());
    waiting_.pop_front();
    if (const auto number = store(*c, envelope)) resume(*c, *number);
  }
}

}  // namespace postable::sim

namespace postable::sim {

namespace {

// A backup file as recovery would find it: whole, exactly its range.
FoundFile backup_file(const BackupRange& range, std::uint64_t inode) {
  FoundFile file;
  file.name = range.file_name();
  file.inode = inode;
  file.first = range.first;
  file.last = range.last;
  return file;
}

}  // namespace

// The backups older than the last few are never touched again, and recovery reads only their
// names and numbers: they stand before it as one file of their whole range, which it judges
// as it would judge them all, so a world's memory does not grow with its backups.
void Mailbox::add_backup(const BackupRange& range) {
  backups_.push_back(range);
  if (backups_.size() > backups_kept) {
    merged_through_ = backups_.front().last;
    backups_.pop_front();
  }
}

std::uint64_t Mailbox::backed_up_through() const {
  return backups_.empty() ? merged_through_ : backups_.back().last;
}

// What the disk holds after the crash: the backups made; the live file's durable bytes and
// any part of the rest; a backup caught moving at any of its steps (core/recovery.hpp).
std::vector<FoundFile> Mailbox::files_after_crash() {
  std::vector<FoundFile> files;
  if (merged_through_ > 0) files.push_back(backup_file(BackupRange{1, merged_through_}, 9));
  for (std::size_t i = 0; i < backups_.size(); ++i)
    files.push_back(backup_file(backups_[i], i + 10));
  // Half the crashes keep nothing unsynced (a power cut at the worst moment); the others keep
  // a part of it, cut at any byte, and half of those then zeros up to the size the appends
  // reached (the size on disk before the data), which recovery must cut.
  const std::uint64_t unsynced = live_.size() - durable_bytes_;
  const std::uint64_t size = live_.size();
  const bool some = context_.rng.below(2) == 1;
  const std::uint64_t kept = durable_bytes_ + (some ? context_.rng.below(unsynced + 1) : 0);
  live_.resize(kept);
  if (some && context_.rng.below(2) == 1) live_.resize(size, '\0');
  constexpr std::uint64_t live_inode = 1;
  const std::uint64_t step = ledger_.backup_running() ? context_.rng.below(3) : 3;
  if (step < 2) files.push_back(examine_mailbox_file("mailbox.next", 2, ""));
  if (step == 1)
    files.push_back(examine_mailbox_file(moving_range_.file_name(), live_inode, live_));
  if (step == 2) {  // the backup is whole, its new live file named: only the folder's sync was due
    files.push_back(backup_file(moving_range_, 3));
    live_.clear();
  }
  files.push_back(examine_mailbox_file("mailbox", live_inode, live_));
  return files;
}

std::optional<RecoveryPlan> Mailbox::crash(std::vector<std::uint64_t>& unreplied) {
  for (const Waiting& waiting : synced_waiters_) unreplied.push_back(waiting.number);
  const Recovery recovery = plan_recovery(files_after_crash());
  if (const auto* error = std::get_if<RecoveryError>(&recovery)) {
    context_.oracle.fail("recovery refused the files a crash left: " + error->line(), 0);
    return std::nullopt;
  }
  const RecoveryPlan plan = std::get<RecoveryPlan>(recovery);
  ++life_;
  if (plan.backed_up > backed_up_through()) {
    add_backup(moving_range_);  // recovery kept the group in its backup
  }
  live_.resize(plan.fresh_live ? 0 : plan.live_bytes);
  durable_bytes_ = live_.size();
  ledger_ = MailboxLedger(context_.params.backup_every, plan.stored, plan.backed_up);
  sync_ = SyncLedger(plan.stored, live_.size());
  waiting_.clear();
  synced_waiters_.clear();
  skipped_ = 0;
  maybe_backup();  // a group recovered whole in the live file is due at once
  return plan;
}

}  // namespace postable::sim
