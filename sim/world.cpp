#include "world.hpp"

#include <cstring>

#include "record.hpp"
#include "reply.hpp"
#include "table.hpp"

namespace postable::sim {

enum class World::Kind : std::uint8_t {
  arrive,
  accept,
  to_server,
  to_client,
  timeout,
  backup_done
};

namespace {

// The replies a client's mirror says must come, in order, kept as the bytes they are on the
// wire (whole lines, each ending in CRLF): one buffer, no allocation per line.
class ReplyQueue {
 public:
  void add(std::string_view lines) {
    if (empty()) clear();
    bytes_.append(lines);
  }
  bool empty() const { return next_ == bytes_.size(); }
  std::string_view front() const {
    const std::string_view rest = std::string_view(bytes_).substr(next_);
    return rest.substr(0, rest.find("\r\n"));
  }
  void pop() { next_ += front().size() + 2; }
  void clear() {
    bytes_.clear();
    next_ = 0;
  }

 private:
  std::string bytes_;
  std::size_t next_ = 0;
};

// One direction of a connection through the virtual network: the packets in flight, in the
// order they arrive. Only the first is on the agenda; its arrival puts the next one there, so
// the agenda holds one entry per busy link however many packets a client sends at once.
// The bytes in flight sit in one buffer, reused once all have arrived.
class Link {
 public:
  struct Arrival {
    std::string_view bytes;  // valid until the next send on this link
    bool eof;
  };

  bool idle() const { return head_ == packets_.size(); }
  Instant next_arrival() const { return packets_[head_].at; }

  // Returns when the bytes arrive: after `latency`, and never before those sent ahead.
  Instant send(Instant now, Duration latency, std::string_view bytes, bool eof) {
    if (idle()) {
      packets_.clear();
      bytes_.clear();
      head_ = 0;
      arrived_bytes_ = 0;
    }
    last_ = std::max(now + latency, last_);
    bytes_.append(bytes);
    packets_.push_back({last_, bytes.size(), eof});
    return last_;
  }

  Arrival arrive() {
    const Packet& packet = packets_[head_++];
    const std::string_view bytes = std::string_view(bytes_).substr(arrived_bytes_, packet.size);
    arrived_bytes_ += packet.size;
    return {bytes, packet.eof};
  }

 private:
  struct Packet {
    Instant at;
    std::size_t size;
    bool eof;
  };
  std::string bytes_;
  std::vector<Packet> packets_;  // those before `head_` have arrived
  std::size_t head_ = 0, arrived_bytes_ = 0;
  Instant last_{};
};

}  // namespace

// `client` names the connection; `slot` finds it without a lookup, and an event whose
// connection has gone (a timer left behind) finds another id there, or nothing.
struct World::Event {
  explicit Event(Kind k, std::uint64_t c = 0, std::uint32_t s = 0) : kind(k), slot(s), client(c) {}
  Kind kind;
  std::uint32_t slot;
  std::uint64_t client;
};

struct World::Connection {
  std::uint64_t id = 0;
  std::uint32_t slot = 0;
  std::unique_ptr<Client> client;
  std::optional<Session> server;  // once accepted
  Link to_server, to_client;
  Instant last_restart{};      // the oracle's own record of the server's clock
  bool timer_pending = false;  // a timeout event is scheduled; it re-arms if the deadline moved
  std::string inbox;           // bytes that came while the server was storing
  bool inbox_eof = false;
  std::string received;  // client side: the start of a reply line
  ReplyQueue expected;   // replies the client's mirror says must come
  Instant batch_sent{};
  bool server_closed = false, client_closed = false;
  bool timed_out = false;  // by the server, while the client's mirror waited for a message's end
  std::uint64_t worker = 0;
  Instant accepted_at{};
};

namespace {

using namespace std::chrono;

// The reply's code, or 0 when the line does not start with three digits.
int reply_code(std::string_view line) {
  if (line.size() < 3) return 0;
  int code = 0;
  for (const char digit : line.substr(0, 3)) {
    if (digit < '0' || digit > '9') return 0;
    code = code * 10 + (digit - '0');
  }
  return code;
}

std::uint64_t mix(std::uint64_t x) {
  x *= 0x9e3779b97f4a7c15ULL;
  return x ^ (x >> 29);
}

}  // namespace

void LatencyHistogram::add(std::uint64_t us) {
  std::size_t bucket = us;
  if (us >= 8) {
    const int power = 63 - __builtin_clzll(us);  // us in [2^power, 2^(power+1))
    bucket = std::size_t(power - 2) * 8 + std::size_t((us >> (power - 3)) & 7);
  }
  ++buckets_[std::min(bucket, bucket_count - 1)];
  ++count_;
}

std::uint64_t LatencyHistogram::percentile(double fraction) const {
  if (count_ == 0) return 0;
  const auto wanted = std::uint64_t(fraction * double(count_));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < bucket_count; ++b) {
    seen += buckets_[b];
    if (seen > wanted) {
      if (b < 8) return b;
      const std::size_t power = b / 8 + 2;
      return (std::uint64_t(1) << power) + (std::uint64_t(b % 8) << (power - 3));
    }
  }
  return 0;
}

World::World(const Params& params, TraceWriter* trace)
    : params_(params),
      trace_(trace),
      delivered_(config_.name),
      rng_(params.seed),
      queue_(std::make_unique<EventQueue<Event>>()),
      pool_(params.workers),
      ledger_(params.backup_every) {
  config_.timeout = duration_cast<Duration>(duration<double>(params.timeout_seconds));
  for (std::uint64_t w = 0; w < params.workers; ++w) {
    pool_.worker_waits();
    free_workers_.push_back(params.workers - 1 - w);
    if (trace_) trace_->name_track(w, "worker " + std::to_string(w));
  }
  if (trace_) trace_->name_track(params.workers, "backup thread");
  summary_.row_counts.assign(model::row_count, 0);
  latency_min_ = Duration(std::int64_t(params.latency_min_ms * 1e6));
  latency_spread_ =
      std::uint64_t(std::int64_t(params.latency_max_ms * 1e6) - latency_min_.count()) + 1;
  timeout_line_ = render_reply(model::Reply::timeout, {config_.name, {}, 0});
  timeout_line_.resize(timeout_line_.size() - 2);  // less the CRLF
}

World::~World() = default;

// A word at a time: multiply by an odd constant and fold the high half down, so every
// input bit reaches every digest bit within a few words. Kept in a local so that the bytes
// folded in cannot alias it.
void World::fold(std::uint64_t first, std::uint64_t second) {
  summary_.digest = mix(mix(summary_.digest ^ first) ^ second);
}

void World::fold(std::string_view bytes) {
  std::uint64_t digest = summary_.digest ^ bytes.size();
  std::size_t at = 0;
  for (; at + 8 <= bytes.size(); at += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + at, 8);
    digest = mix(digest ^ word);
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, bytes.data() + at, bytes.size() - at);
  summary_.digest = mix(digest ^ tail);
}

void World::fail(std::string invariant, std::uint64_t client) {
  if (violation_) return;
  Violation v{std::move(invariant), client, {}};
  for (const auto& c : slots_) {
    if (c && c->id == client) v.transcript = c->client->transcript;
  }
  violation_ = std::move(v);
}

World::Connection* World::find(const Event& event) {
  if (event.slot >= slots_.size()) return nullptr;
  Connection* c = slots_[event.slot].get();
  return c && c->id == event.client ? c : nullptr;
}

void World::forget(Connection& c) {
  const bool timer_pending = c.timer_pending;
  free_slots_.push_back(c.slot);
  slots_[c.slot].reset();  // `c` is gone from here on
  // The connection's timer stays in the queue until its deadline; when such leftovers are
  // a quarter of the queue, they go, so that the heap stays as shallow as the live work.
  if (timer_pending && ++stale_timers_ > 16 && 4 * stale_timers_ > queue_->size()) {
    queue_->purge([this](const Event& event) {
      return event.kind == Kind::timeout && find(event) == nullptr;
    });
    stale_timers_ = 0;
  }
}

Duration World::latency() {
  return latency_min_ + Duration(rng_.below(latency_spread_));
}

std::optional<Violation> World::run() {
  summary_.digest = params_.seed;
  if (params_.clients > 0) queue_->schedule(Instant{}, Event{Kind::arrive, 0});
  const std::uint64_t events_max = 10'000 * params_.clients + 1'000'000;
  while (!queue_->empty() && !violation_) {
    const Event event = queue_->pop();
    ++summary_.events;
    fold(std::uint64_t(queue_->now().since_origin.count()),
         std::uint64_t(event.kind) << 56 ^ event.client);
    handle(event);
    check_idle_rule();
    if (progress_ && (summary_.events & ((1 << 18) - 1)) == 0) progress_(summary_, queue_->now());
    if (summary_.events > events_max)
      fail("the run does not end (more than " + std::to_string(events_max) + " events)", 0);
  }
  if (!violation_) check_end();
  summary_.virtual_end = queue_->now();
  for (std::size_t code = 0; code < reply_counts_.size(); ++code) {
    if (reply_counts_[code] > 0) summary_.replies[int(code)] = reply_counts_[code];
  }
  return violation_;
}

void World::handle(const Event& event) {
  switch (event.kind) {
    case Kind::arrive:
      return arrive(event);
    case Kind::accept:
      return accept();
    case Kind::backup_done:
      return backup_done();
    case Kind::to_server:
    case Kind::to_client:
    case Kind::timeout:
      break;
  }
  Connection* c = find(event);
  if (c == nullptr) return;  // a timer of a connection that has ended
  if (event.kind == Kind::timeout) return server_timeout(*c);
  const bool to_server = event.kind == Kind::to_server;
  Link& link = to_server ? c->to_server : c->to_client;
  const Link::Arrival arrival = link.arrive();
  if (!link.idle()) queue_->schedule(link.next_arrival(), event);
  fold(arrival.bytes);
  if (to_server) return deliver_to_server(*c, arrival.bytes, arrival.eof);
  deliver_to_client(*c, arrival.bytes, arrival.eof);
}

// Puts a packet on its way; it arrives after a drawn latency, never before the one ahead.
void World::send(Connection& c, Kind kind, std::string_view bytes, bool eof) {
  Link& link = kind == Kind::to_server ? c.to_server : c.to_client;
  const bool was_idle = link.idle();
  const Instant at = link.send(queue_->now(), latency(), bytes, eof);
  if (was_idle) queue_->schedule(at, Event{kind, c.id, c.slot});
}

// A client tries to connect: into the backlog, or refused when it is full (then it retries).
void World::arrive(const Event& event) {
  const Instant now = queue_->now();
  Connection* c = event.client == arrived_ ? nullptr : find(event);
  if (c == nullptr) {  // a new client: it takes a free slot
    const std::uint64_t id = arrived_++;
    auto connection = std::make_unique<Connection>();
    connection->id = id;
    if (free_slots_.empty()) {
      connection->slot = std::uint32_t(slots_.size());
      slots_.emplace_back();
    } else {
      connection->slot = free_slots_.back();
      free_slots_.pop_back();
    }
    const Behaviour behaviour = draw_behaviour(params_.mix, rng_);
    connection->client = std::make_unique<Client>(id, behaviour, rng_.next(), config_, now);
    connection->client->transcribing = transcribed_ == id;
    connection->expected.add(connection->client->mirror().output());  // the greeting
    connection->client->mirror().clear_output();
    connection->batch_sent = now;
    c = connection.get();
    slots_[c->slot] = std::move(connection);
    if (arrived_ < params_.clients) {
      const auto mean_ns = std::uint64_t(1e9 / params_.arrivals_per_second);
      queue_->schedule(now + Duration(rng_.below(2 * mean_ns + 1)), Event{Kind::arrive, arrived_});
    }
  }
  if (backlog_.size() >= params_.backlog) {
    ++summary_.refused;
    const std::uint64_t backoff_ms = 10ULL << std::min<std::uint64_t>(c->client->retries++, 10);
    queue_->schedule(now + milliseconds(backoff_ms + rng_.below(backoff_ms)),
                     Event{Kind::arrive, c->id, c->slot});
    return;
  }
  backlog_.push_back(c);
  maybe_accept();
}

void World::maybe_accept() {
  const bool greedy = params_.fault == Fault::greedy_acceptor;
  if (accept_pending_ || backlog_.empty() || !(pool_.may_accept() || greedy)) return;
  accept_pending_ = true;
  queue_->schedule(queue_->now(), Event{Kind::accept});
}

void World::accept() {
  accept_pending_ = false;
  if (backlog_.empty()) return;
  if (!pool_.may_accept())
    return fail("the acceptor accepted while no worker was idle", backlog_.front()->id);
  Connection& c = *backlog_.front();
  backlog_.pop_front();
  pool_.hand_off(c.id);
  pool_.take();
  c.worker = free_workers_.back();
  free_workers_.pop_back();
  c.accepted_at = queue_->now();
  ++summary_.sessions;
  c.last_restart = queue_->now();
  Connection* raw = &c;
  c.server.emplace(config_, queue_->now(), [this, raw](const model::Row& row) {
    ++summary_.row_counts[std::size_t(&row - model::rows.data())];
    if (row.clock == Clock::restart) raw->last_restart = queue_->now();
  });
  after_server_step(c);
  maybe_accept();
}

// Bytes reach the server. A worker does not read while it stores a message: they wait.
void World::deliver_to_server(Connection& c, std::string_view bytes, bool eof) {
  if (c.server_closed) return;
  Session& server = *c.server;
  if (server.awaiting_delivery() || !c.inbox.empty()) {
    c.inbox += bytes;
    c.inbox_eof = c.inbox_eof || eof;
    return;
  }
  if (!bytes.empty()) server.feed(bytes, queue_->now());
  if (eof) {
    if (server.wants_input())
      server.on_eof(queue_->now());
    else if (server.awaiting_delivery())
      c.inbox_eof = true;
  }
  after_server_step(c);
}

void World::after_server_step(Connection& c) {
  Session& server = *c.server;
  if (!server.output().empty()) send(c, Kind::to_client, server.output(), false);
  server.clear_output();
  if (server.awaiting_delivery()) return deliver(c, *server.take_delivery());
  if (server.closed()) return close_server_side(c);
  if (!c.timer_pending) {  // one timer per connection: it re-arms itself when it fires early
    c.timer_pending = true;
    queue_->schedule(std::max(fire_time(*server.deadline()), queue_->now()),
                     Event{Kind::timeout, c.id, c.slot});
  }
  if (!c.inbox.empty() || c.inbox_eof) {
    const std::string held = std::move(c.inbox);
    const bool eof = c.inbox_eof;
    c.inbox.clear();
    c.inbox_eof = false;
    deliver_to_server(c, held, eof);
  }
}

void World::deliver(Connection& c, Envelope envelope) {
  const bool waits = params_.fault != Fault::delivery_ignores_backup;
  if (waits && !ledger_.may_write()) {
    waiting_.emplace_back(&c, std::move(envelope));
    return;
  }
  store(c, envelope);
}

bool World::store(Connection& c, const Envelope& envelope) {
  if (!ledger_.may_write()) {  // a backup is due or moving
    fail("a delivery wrote while a backup was moving the mailbox", c.id);
    return false;
  }
  std::uint64_t number = ledger_.next_number() + skipped_;
  if (params_.fault == Fault::skip_number && number == 4 && skipped_ == 0) number += ++skipped_;
  std::string record = format_record(envelope, number, config_.name);
  live_file_.push_back(number);
  if (!unacknowledged_.emplace(number, std::move(record)).second) {
    fail("message number " + std::to_string(number) + " was stored twice", c.id);
    return false;
  }
  ledger_.stored();
  ++summary_.messages;
  if (ledger_.backup_due()) {  // the backup thread wakes; its work takes a random while
    moving_range_ = ledger_.begin_backup();
    backup_started_ = queue_->now();
    const auto low = std::int64_t(params_.backup_min_ms * 1e6);
    const auto high = std::int64_t(params_.backup_max_ms * 1e6);
    queue_->schedule(
        queue_->now() + Duration(low + std::int64_t(rng_.below(std::uint64_t(high - low) + 1))),
        Event{Kind::backup_done});
  }
  c.server->on_delivered(number, queue_->now());
  after_server_step(c);
  return true;
}

// The backup moved the live file: it must hold exactly the group's numbers, in order.
void World::backup_done() {
  std::uint64_t expected = moving_range_.first;
  bool exact = live_file_.size() == moving_range_.last - moving_range_.first + 1;
  for (const std::uint64_t number : live_file_) exact = exact && number == expected++;
  if (!exact) {
    return fail(moving_range_.file_name() + " does not hold exactly messages " +
                    std::to_string(moving_range_.first) + ".." + std::to_string(moving_range_.last),
                0);
  }
  live_file_.clear();
  last_backed_up_ = moving_range_.last;
  if (trace_)
    trace_->span(params_.workers, moving_range_.file_name(), backup_started_, queue_->now());
  ledger_.finish_backup(true);
  while (!waiting_.empty() && ledger_.may_write() && !violation_) {
    auto [c, envelope] = std::move(waiting_.front());
    waiting_.pop_front();
    store(*c, envelope);
  }
}

Instant World::fire_time(Instant deadline) const {
  return params_.fault == Fault::early_timeout ? deadline + Duration(-1'000'000) : deadline;
}

void World::server_timeout(Connection& c) {
  if (c.server_closed) return;
  c.timer_pending = false;
  if (!c.server->wants_input()) return;  // storing: the timer is armed again afterwards
  const Instant deadline = *c.server->deadline();
  if (queue_->now() < fire_time(deadline)) {  // the clock restarted since: wait for the new one
    c.timer_pending = true;
    queue_->schedule(fire_time(deadline), Event{Kind::timeout, c.id, c.slot});
    return;
  }
  const Instant due = c.last_restart + config_.timeout;
  if (queue_->now() != due) {
    return fail("a timeout fired at " + std::to_string(queue_->now().since_origin.count()) +
                    " ns; its deadline was " + std::to_string(due.since_origin.count()) + " ns",
                c.id);
  }
  c.server->on_timeout(queue_->now());
  after_server_step(c);
}

void World::close_server_side(Connection& c) {
  c.server_closed = true;
  pool_.worker_waits();  // the worker is idle again
  free_workers_.push_back(c.worker);
  if (trace_) {
    trace_->span(
        c.worker,
        std::string(behaviour_name(c.client->behaviour())) + " client " + std::to_string(c.id),
        c.accepted_at, queue_->now());
  }
  send(c, Kind::to_client, {}, true);
  maybe_accept();
  if (c.client_closed) forget(c);
}

// Reply lines are read straight from the packet; only a line cut by the packet's end waits
// in `received` for the rest.
void World::deliver_to_client(Connection& c, std::string_view bytes, bool eof) {
  if (c.client_closed) return;
  std::string_view rest = bytes;
  if (!c.received.empty()) {
    c.received += bytes;
    rest = c.received;
  }
  for (std::size_t end; (end = rest.find("\r\n")) != std::string_view::npos && !violation_;) {
    client_line(c, rest.substr(0, end));
    rest.remove_prefix(end + 2);
  }
  if (violation_) return;
  c.received.assign(rest);  // may overlap: assign copes with its own contents
  if (eof) {
    if (!c.expected.empty() || !(c.client->mirror().closed() || c.timed_out)) {
      return fail("the server closed the connection while replies were still due", c.id);
    }
    return finish_client(c);
  }
  client_act(c);
}

// One reply line reaches the client: it must be what the client's mirror of the model said.
void World::client_line(Connection& c, std::string_view line) {
  const std::uint64_t id = c.id;
  Client& client = *c.client;
  Session& mirror = client.mirror();
  if (client.transcribing) client.transcript.append("S: ").append(line).append("\n");
  ++reply_counts_[std::size_t(reply_code(line))];
  summary_.latency.add(std::uint64_t((queue_->now() - c.batch_sent).count() / 1000));
  if (line == timeout_line_ && (c.expected.empty() || c.expected.front() != line)) {
    return client_timed_out(c);
  }
  if (!c.expected.empty()) {
    if (c.expected.front() != line) {
      return fail(
          "expected `" + std::string(c.expected.front()) + "`, got `" + std::string(line) + "`",
          id);
    }
    c.expected.pop();
    return;
  }
  if (mirror.awaiting_delivery()) {
    const Envelope envelope = *mirror.take_delivery();
    const auto number = delivered_.number(line);
    if (!number) return fail("expected a message number, got `" + std::string(line) + "`", id);
    auto stored = unacknowledged_.find(*number);
    if (stored == unacknowledged_.end() ||
        stored->second != format_record(envelope, *number, config_.name)) {
      return fail(
          "message " + std::to_string(*number) + " was acknowledged but is not stored as sent", id);
    }
    unacknowledged_.erase(stored);
    mirror.on_delivered(*number, Instant{});
    const std::string& output = mirror.output();  // the number's line, then what follows
    c.expected.add(std::string_view(output).substr(output.find("\r\n") + 2));
    mirror.clear_output();
    return;
  }
  fail("a reply nobody asked for: `" + std::string(line) + "`", id);
}

// The server gave up on the client: fair unless early. When every reply the client waited
// for has come, the server had all its bytes, so its clock started no earlier than the last
// forward step the client sent. Otherwise bytes may still have been on their way (a slow
// network, a short timeout): then only the steps answered before the last batch count.
void World::client_timed_out(Connection& c) {
  Client& client = *c.client;
  Session& mirror = client.mirror();
  const bool all_answered = c.expected.empty() && mirror.wants_input();
  const Instant since = all_answered ? client.last_forward : client.confirmed_forward;
  if (queue_->now() < since + config_.timeout) {
    return fail("the client was timed out before its deadline", c.id);
  }
  c.expected.clear();
  if (mirror.wants_input()) {
    mirror.on_timeout(*mirror.deadline());
    mirror.clear_output();
  } else {
    c.timed_out = true;  // in the middle of a message the server never had whole
  }
}

void World::client_act(Connection& c) {
  if (!c.expected.empty() || c.client_closed) return;
  if (const Batch* batch = c.client->next(queue_->now())) send_from_client(c, *batch);
}

void World::send_from_client(Connection& c, const Batch& batch) {
  c.batch_sent = queue_->now();
  if (c.client->transcribing) {
    c.client->transcript.append("C: ").append(batch.bytes, 0, 200).append("\n");
  }
  c.expected.add(c.client->mirror().output());
  c.client->mirror().clear_output();
  std::size_t done = 0;
  while (done < batch.bytes.size()) {
    std::size_t piece = batch.bytes.size() - done;
    if (batch.bytewise)
      piece = 1;
    else if (rng_.chance(params_.fragment_chance))
      piece = std::size_t(rng_.between(1, piece));
    send(c, Kind::to_server, std::string_view(batch.bytes).substr(done, piece), false);
    done += piece;
  }
  if (batch.then_close) {
    send(c, Kind::to_server, {}, true);
    c.client_closed = true;
    c.expected.clear();
  }
}

void World::finish_client(Connection& c) {
  c.client_closed = true;
  if (c.server_closed) forget(c);
}

void World::check_idle_rule() {
  if (!violation_ && !backlog_.empty() && pool_.may_accept() && !accept_pending_) {
    fail("a worker is idle while a connection waits in the backlog", backlog_.front()->id);
  }
}

// The liveness phase is over: everyone must have finished, and the files must be whole.
void World::check_end() {
  std::string blocked;
  std::optional<std::uint64_t> first_blocked;
  for (const auto& c : slots_) {
    if (!c || blocked.size() > 400) continue;
    if (!first_blocked) first_blocked = c->id;
    blocked += " client " + std::to_string(c->id) + " (" + behaviour_name(c->client->behaviour()) +
               (c->server ? ", server in " + std::string(state_name(c->server->state()))
                          : ", not accepted") +
               ")";
  }
  if (first_blocked) return fail("the run stalled; still open:" + blocked, *first_blocked);
  if (pool_.busy() != 0 || !waiting_.empty() || ledger_.backup_running()) {
    return fail("the run stalled: a worker, a delivery or the backup never finished", 0);
  }
  std::uint64_t expected = last_backed_up_ + 1;
  for (const std::uint64_t number : live_file_) {
    if (number != expected++)
      return fail(
          "mailbox does not hold messages " + std::to_string(last_backed_up_ + 1) + ".. in order",
          0);
  }
  if (!unacknowledged_.empty()) {
    fail("message " + std::to_string(unacknowledged_.begin()->first) +
             " was stored but its reply never reached the client",
         0);
  }
}

}  // namespace postable::sim
