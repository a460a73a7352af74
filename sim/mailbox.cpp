#include "sim/mailbox.hpp"

#include "core/record.hpp"
#include "sim/connection.hpp"

namespace postable::sim {

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
  if (!context_.oracle.stored(number, std::move(record), c.id)) return std::nullopt;
  ledger_.stored();
  ++context_.summary.messages;
  if (ledger_.backup_due()) start_backup();
  return number;
}

// The backup thread wakes; its work takes a random while.
void Mailbox::start_backup() {
  moving_range_ = ledger_.begin_backup();
  const Instant now = context_.agenda.now();
  backup_started_ = now;
  const auto low = std::int64_t(context_.params.backup_min_ms * 1e6);
  const auto high = std::int64_t(context_.params.backup_max_ms * 1e6);
  context_.agenda.schedule(
      now + Duration(low + std::int64_t(context_.rng.below(std::uint64_t(high - low) + 1))),
      Notice{Kind::backup_done});
}

void Mailbox::backup_done(const Resume& resume) {
  context_.oracle.backed_up(moving_range_);
  if (context_.oracle.failed()) return;
  if (context_.trace) {
    context_.trace->span(context_.params.workers, moving_range_.file_name(), backup_started_,
                         context_.agenda.now());
  }
  ledger_.finish_backup(true);
  while (!waiting_.empty() && ledger_.may_write() && !context_.oracle.failed()) {
    auto [c, envelope] = std::move(waiting_.front());
    waiting_.pop_front();
    if (const auto number = store(*c, envelope)) resume(*c, *number);
  }
}

}  // namespace postable::sim
