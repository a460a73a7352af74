#include "sim/trace_check.hpp"

#include "core/record.hpp"
#include "core/table.hpp"

namespace postable::sim {

namespace {

constexpr std::size_t recent_max = 12;
constexpr std::uint64_t sync_track = 1, backup_track = 2, first_worker_track = 10;

Instant at(const trace::Event& e) {
  return Instant{Duration(std::int64_t(e.time_ns))};
}

}  // namespace

TraceChecker::TraceChecker(Duration slack, TraceWriter* timeline)
    : slack_(slack), timeline_(timeline), oracle_([this](std::uint64_t connection) {
        const auto found = open_.find(std::uint32_t(connection));
        return found != open_.end() ? found->second->transcript() : std::string();
      }) {
  if (timeline_ != nullptr) {
    timeline_->name_track(sync_track, "mailbox: syncs");
    timeline_->name_track(backup_track, "backup: moves");
  }
}

void TraceChecker::begin(const RunHeader& header) {
  // After a run killed, or stopped, the next continues its files only with --resume.
  if (began_ && !header.resume) return fail("a run after another did not --resume", 0);
  stopped_ = false;
  header_ = header;
  // The killed run's connections died with it; a resumed run's files are what recovery kept.
  open_.clear();
  pending_.clear();
  moving_.reset();
  stop_at_.reset();
  drain_over_at_.reset();
  next_stop_check_.reset();
  if (began_ || header.stored > 0) oracle_.resumed(header.stored, header.backed_up);
  file_end_ = durable_end_ = header.live_bytes;
  durable_through_ = header.stored;
  next_number_ = header.stored + 1;
  began_ = true;
}

ReplayedConnection* TraceChecker::find(const trace::Event& e) {
  const auto found = open_.find(e.connection);
  if (found != open_.end()) return found->second.get();
  fail("an event of connection " + std::to_string(e.connection) + ", which is not open", 0);
  return nullptr;
}

void TraceChecker::take(const trace::Event& e) {
  if (oracle_.failed()) return;
  ++counts_.events;
  recent_.push_back(e);
  if (recent_.size() > recent_max) recent_.pop_front();
  switch (e.kind) {
    case trace::Kind::accept:
      accepted(e);
      break;
    case trace::Kind::bytes_read:
      read(e);
      break;
    case trace::Kind::row_fired:
      fired(e);
      break;
    case trace::Kind::record_appended:
      appended(e);
      break;
    case trace::Kind::sync_begun:
      sync_begun_at_ = at(e);
      break;
    case trace::Kind::sync_ended:
      sync_ended(e);
      break;
    case trace::Kind::move_begun:
      move_begun(e);
      break;
    case trace::Kind::move_ended:
      move_ended(e);
      break;
    case trace::Kind::stop_signal:
      if (!stop_at_) stop_at_ = at(e);
      break;
    case trace::Kind::stop_told:
      told(e);
      break;
    case trace::Kind::drain_over:
      drain_over_at_ = at(e);
      break;
    case trace::Kind::connection_closed:
      closed(e);
      break;
    case trace::Kind::server_stopped:
      server_stopped();
      break;
    case trace::Kind::folder_synced:
    case trace::Kind::flushed:
      break;
  }
  if (stop_at_) check_stop_promises(at(e));
}

void TraceChecker::accepted(const trace::Event& e) {
  // The pool's own count, and the trace's: the connections open are busy workers.
  const std::uint64_t busy = open_.size();
  const std::uint64_t idle = busy >= header_.threads ? 0 : header_.threads - busy;
  oracle_.accepted(std::min(e.a, idle), e.connection);
  if (oracle_.failed()) return;
  const auto [at_id, fresh] = open_.try_emplace(e.connection);
  if (!fresh) {
    return fail("connection " + std::to_string(e.connection) + " was accepted while still open",
                e.connection);
  }
  ++counts_.connections;
  at_id->second = std::make_unique<ReplayedConnection>(e.connection, header_.session, at(e));
}

void TraceChecker::read(const trace::Event& e) {
  ReplayedConnection* c = find(e);
  if (c == nullptr) return;
  ++counts_.reads;
  counts_.bytes_read += e.bytes.size();
  const std::string wrong = c->read(e.bytes, at(e));
  if (!wrong.empty()) fail(wrong, e.connection);
}

void TraceChecker::fired(const trace::Event& e) {
  ReplayedConnection* c = find(e);
  if (c == nullptr) return;
  if (e.c >= model::rows.size()) {
    return fail("the server fired " + describe_row(e.c), e.connection);
  }
  if (!c->expects_a_row()) explain(*c, model::rows[e.c], at(e));
  if (oracle_.failed()) return;
  if (!c->expects_a_row()) {
    return fail("the server fired " + describe_row(e.c) + ", which no input explains",
                e.connection);
  }
  const std::string wrong = c->match(e.c);
  if (!wrong.empty()) fail(wrong, e.connection);
}

// A row no byte explains: the input it names, given to the replay when the run allows it.
void TraceChecker::explain(ReplayedConnection& c, const model::Row& row, Instant now) {
  const Session& session = c.session();
  switch (row.input) {
    case model::Input::timeout: {
      const std::optional<Instant> due = session.deadline();
      if (!due || !session.wants_input()) return;
      oracle_.timer_fired(now, Instant{due->since_origin - header_.session.timeout},
                          header_.session.timeout, c.id(), slack_);
      if (!oracle_.failed()) c.give([now](Session& s) { s.on_timeout(now); }, now);
      return;
    }
    case model::Input::eof:
      if (session.wants_input()) c.give([now](Session& s) { s.on_eof(now); }, now);
      return;
    case model::Input::shutdown:
      if (!stop_at_) return fail("a 421 of the stop, and no stop came", c.id());
      if (!session.wants_input()) return;
      c.told_of_stop = true;
      // Inside a message only the drain's end closes a session; between them, the stop.
      if (drain_over_at_) return c.give([now](Session& s) { s.on_drain_over(now); }, now);
      return c.give([now](Session& s) { s.on_shutdown(now); }, now);
    case model::Input::delivery:
      return delivery_outcome(c, row);
    default:
      return;
  }
}

// The server told a session of the stop; inside a message that is no row, but the session
// then closes right after the message's reply.
void TraceChecker::told(const trace::Event& e) {
  ReplayedConnection* c = find(e);
  if (c == nullptr) return;
  if (!stop_at_) return fail("a session was told of a stop, and no stop came", e.connection);
  c->told_of_stop = true;
  if (!c->session().stopping() && c->session().wants_input()) {
    c->give([now = at(e)](Session& s) { s.on_shutdown(now); }, at(e));
  }
}

// A 250 only for a record a sync covered; a 451 only for one a failed sync took back, or a
// message the store could not write.
void TraceChecker::delivery_outcome(ReplayedConnection& c, const model::Row& row) {
  if (!c.delivering()) return;
  const std::optional<ReplayedConnection::Record> record = c.record;
  if (row.outcome == Outcome::ok) {
    if (!record || record->lost) {
      return fail("a 250 for a message no record holds", c.id());
    }
    if (record->number > durable_through_) {
      return fail("message " + std::to_string(record->number) +
                      " was acknowledged before a sync covered it",
                  c.id());
    }
    oracle_.acknowledged(record->number, *c.delivering(), header_.session.name, c.id());
    if (oracle_.failed()) return;
    ++counts_.acknowledged;
    return c.delivered(record->number, c.outcome_known);
  }
  if (record && !(record->lost && oracle_.refusal_excused(c.id()))) {
    return fail("message " + std::to_string(record->number) +
                    " was refused, but no failed sync took it back",
                c.id());
  }
  ++counts_.refused;
  c.refused(c.outcome_known);
}

void TraceChecker::appended(const trace::Event& e) {
  ReplayedConnection* c = find(e);
  if (c == nullptr) return;
  if (!c->delivering() || c->record) {
    return fail("a record was appended for a connection with no message to store", e.connection);
  }
  if (moving_) return oracle_.wrote_during_move(e.connection);
  if (e.a != next_number_) {
    return fail("message number " + std::to_string(e.a) + " was given where " +
                    std::to_string(next_number_) + " was next",
                e.connection);
  }
  std::string record = format_record(*c->delivering(), e.a, header_.session.name);
  if (e.b != file_end_ + record.size()) {
    return fail("message " + std::to_string(e.a) + " ends at byte " + std::to_string(e.b) +
                    " of mailbox; its record of " + std::to_string(record.size()) +
                    " bytes after byte " + std::to_string(file_end_) + " ends at " +
                    std::to_string(file_end_ + record.size()),
                e.connection);
  }
  if (!oracle_.stored(e.a, std::move(record), e.connection)) return;
  file_end_ = e.b;
  ++next_number_;
  c->record = ReplayedConnection::Record{e.a, e.b, false};
  c->outcome_known = at(e);
  pending_.push_back({e.a, e.b, e.connection});
}

void TraceChecker::sync_ended(const trace::Event& e) {
  ++counts_.syncs;
  if (timeline_ != nullptr && sync_begun_at_) {
    timeline_->span(sync_track, (e.flags & trace::ok_flag) ? "sync" : "sync failed",
                    *sync_begun_at_, at(e));
  }
  const auto known = [&](std::uint32_t connection) {
    const auto found = open_.find(connection);
    return found != open_.end() ? found->second.get() : nullptr;
  };
  if (e.flags & trace::ok_flag) {
    durable_end_ = std::max(durable_end_, e.a);
    while (!pending_.empty() && pending_.front().end <= durable_end_) {
      durable_through_ = pending_.front().number;
      if (ReplayedConnection* c = known(pending_.front().connection)) c->outcome_known = at(e);
      pending_.pop_front();
    }
    return;
  }
  // A failed sync takes back every record not yet covered; the file is cut where the last
  // sync that worked ended, and the numbers are given out again.
  ++counts_.syncs_failed;
  if (pending_.empty()) return;
  oracle_.lost_to_failed_sync(pending_.front().number, pending_.back().number);
  for (const Pending& lost : pending_) {
    ReplayedConnection* c = known(lost.connection);
    if (c != nullptr && c->record) {
      c->record->lost = true;
      c->outcome_known = at(e);
    }
  }
  next_number_ = pending_.front().number;
  file_end_ = durable_end_;
  pending_.clear();
}

void TraceChecker::move_begun(const trace::Event& e) {
  moving_ = BackupRange{e.a, e.b};
  move_begun_at_ = at(e);
  oracle_.backup_began(*moving_, e.b <= durable_through_ && pending_.empty());
}

void TraceChecker::move_ended(const trace::Event& e) {
  const BackupRange range{e.a, e.b};
  if (!moving_ || !(*moving_ == range)) {
    return fail("the backup's move of " + range.file_name() + " ended, and it had not begun", 0);
  }
  moving_.reset();
  ++counts_.moves;
  const bool moved = e.flags & trace::ok_flag;
  if (timeline_ != nullptr && move_begun_at_) {
    timeline_->span(backup_track, range.file_name() + (moved ? "" : " failed"), *move_begun_at_,
                    at(e));
  }
  if (!moved) return oracle_.move_failed();
  oracle_.backed_up(range);
  file_end_ = durable_end_ = 0;  // a new, empty mailbox
}

void TraceChecker::closed(const trace::Event& e) {
  ReplayedConnection* c = find(e);
  if (c == nullptr) return;
  if (c->expects_a_row()) {
    return fail("the connection was closed before the server fired " + describe_row(c->next_row()) +
                    ", as the table says",
                e.connection);
  }
  if (timeline_ != nullptr) {
    const std::uint64_t track = first_worker_track + e.c;
    if (named_workers_.insert(e.c).second) {
      timeline_->name_track(track, "worker " + std::to_string(e.c));
    }
    timeline_->span(track, "connection " + std::to_string(e.connection), c->accepted(), at(e));
  }
  open_.erase(e.connection);
}

void TraceChecker::server_stopped() {
  stopped_ = true;
  if (!open_.empty()) {
    return fail("the server stopped with connection " + std::to_string(open_.begin()->first) +
                    " still open",
                open_.begin()->first);
  }
  oracle_.check_files_at_end(header_.backup_every);
}

// After the stop: a session between messages is told within the slack (of the stop, or of
// its coming back between messages); after the drain's end, none is open for longer.
void TraceChecker::check_stop_promises(Instant now) {
  if (next_stop_check_ && now < *next_stop_check_) return;
  next_stop_check_ = now + slack_ / 4;
  for (const auto& [id, c] : open_) {
    const Session& session = c->session();
    const Instant since = std::max(*stop_at_, c->between_messages_since());
    if (!c->told_of_stop && session.mode() == Mode::command && now > since + slack_) {
      return oracle_.not_told_at_stop(id);
    }
    if (drain_over_at_ && now > *drain_over_at_ + slack_) return oracle_.open_at_drain_end(id);
  }
}

}  // namespace postable::sim
