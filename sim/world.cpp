#include "sim/world.hpp"

#include <algorithm>
#include <string>

#include "core/table.hpp"

namespace postable::sim {

using namespace std::chrono;

namespace {

SessionConfig session_config(const Params& params) {
  SessionConfig config;
  config.timeout = duration_cast<Duration>(duration<double>(params.timeout_seconds));
  config.error_limit = params.error_limit;
  config.junk_limit = params.junk_limit;
  return config;
}

}  // namespace

World::World(const Params& params, TraceWriter* trace)
    : params_(params),
      trace_(trace),
      config_(session_config(params)),
      rng_(params.seed),
      oracle_([this](std::uint64_t client) { return transcript_of(client); }),
      network_(params_, rng_, agenda_, summary_),
      acceptor_(params_, agenda_, oracle_, summary_, trace),
      mailbox_({params_, config_.name, rng_, agenda_, oracle_, summary_, trace,
                [this](Connection& c, std::optional<std::uint64_t> number) {
                  worker_.stored(c, number);
                }}),
      drain_(params.workers),
      worker_({config_, agenda_, network_, mailbox_, oracle_, summary_, drain_,
               [this](Connection& c) { server_closed(c); }, params_.spill_at}),
      clients_({config_, agenda_, network_, oracle_, summary_,
                [this](Connection& c) { client_finished(c); }}) {
  summary_.row_counts.assign(model::row_count, 0);
}

std::optional<Violation> World::run() {
  digest_ = Digest(params_.seed);
  if (params_.clients > 0) agenda_.schedule(Instant{}, Notice{Kind::arrive, 0});
  // The crashes fall while clients still arrive.
  const auto arrivals_ns =
      std::uint64_t(1e9 * double(params_.clients) / params_.arrivals_per_second);
  for (std::uint64_t k = 0; k < params_.crashes; ++k) {
    agenda_.schedule(Instant{} + Duration(rng_.below(arrivals_ns + 1)), Notice{Kind::crash});
  }
  if (params_.stop) {  // drawn only then: a world without a stop draws as it always did
    agenda_.schedule(Instant{} + Duration(rng_.below(arrivals_ns + 1)), Notice{Kind::stop});
  }
  const std::uint64_t notices_max = 10'000 * params_.clients + 1'000'000;
  while (!agenda_.empty() && !oracle_.failed()) {
    const Notice notice = agenda_.pop();
    ++summary_.events;
    digest_.fold(std::uint64_t(agenda_.now().since_origin.count()),
                 std::uint64_t(notice.kind) << 56 ^ notice.client);
    handle(notice);
    acceptor_.check_idle_rule();
    if (progress_ && (summary_.events & ((1 << 18) - 1)) == 0) progress_(summary_, agenda_.now());
    if (summary_.events > notices_max)
      oracle_.fail("the run does not end (more than " + std::to_string(notices_max) + " events)",
                   0);
  }
  if (!oracle_.failed()) check_end();
  summary_.virtual_end = agenda_.now();
  summary_.digest = digest_.value();
  const auto& counts = clients_.reply_counts();
  for (std::size_t code = 0; code < counts.size(); ++code) {
    if (counts[code] > 0) summary_.replies[int(code)] = counts[code];
  }
  return oracle_.violation();
}

void World::handle(const Notice& notice) {
  switch (notice.kind) {
    case Kind::arrive:
      return arrive(notice);
    case Kind::accept:
      if (Connection* c = acceptor_.accept()) {
        worker_.start(*c);
        acceptor_.maybe_accept();
      }
      return;
    case Kind::backup_done:
      return mailbox_.move_done(notice.client);
    case Kind::sync_done:
      return mailbox_.sync_done(notice.client);
    case Kind::names_synced:
      return mailbox_.names_synced(notice.client);
    case Kind::delivery_turn:
      if (Connection* c = find(notice)) mailbox_.turn_over(*c);
      return;
    case Kind::stop:
      return stop();
    case Kind::drain_over:
      return end_drain();
    case Kind::crash:
      if (acceptor_.stop_signalled()) return;  // the server is stopping: it is not restarted
      // A crash finds the most to lose while a sync runs: it waits for one, a while at most.
      if (!mailbox_.syncing() && notice.client < 1000) {
        agenda_.schedule(agenda_.now() + microseconds(100 + rng_.below(1000)),
                         Notice{Kind::crash, notice.client + 1});
        return;
      }
      return crash();
    case Kind::reset_by_client:
    case Kind::reset_by_server:
      if (Connection* c = find(notice)) reset(*c, notice.kind == Kind::reset_by_client);
      return;
    case Kind::to_server:
    case Kind::to_client:
    case Kind::timeout:
      break;
  }
  Connection* c = find(notice);
  if (c == nullptr) return;  // a timer of a connection that has ended
  if (notice.kind == Kind::timeout) return worker_.timer(*c);
  const Link::Arrival arrival = network_.arrive(*c, notice);
  digest_.fold(arrival.bytes);
  if (notice.kind == Kind::to_server) return worker_.receive(*c, arrival.bytes, arrival.eof);
  clients_.receive(*c, arrival.bytes, arrival.eof);
}

// A client tries to connect: into the backlog, or refused when it is full. Refused, it tries
// again after a backoff that doubles from 10 ms to at most a second (jittered), and after
// `connect_tries_max` tries it gives up: its mail is deferred, as a real client queues mail
// for later. Until it connects a client is only its notice on the agenda (`slot` counts its
// tries): an overloaded world costs what its open connections cost, not what its clients do.
void World::arrive(const Notice& notice) {
  const Instant now = agenda_.now();
  const std::uint64_t tries = notice.slot + 1;
  if (tries == 1) schedule_next_arrival(notice.client);
  if (drain_begun()) {  // the listener is closed: refused, the client keeps its mail
    ++summary_.stop_refused;
    return;
  }
  if (!acceptor_.has_room()) {
    ++summary_.refused;
    if (tries >= connect_tries_max) {
      ++summary_.deferred;
      return;
    }
    const std::uint64_t backoff_ms = std::min<std::uint64_t>(10ULL << (tries - 1), 1000);
    agenda_.schedule(now + milliseconds(backoff_ms + rng_.below(backoff_ms)),
                     Notice{Kind::arrive, notice.client, std::uint32_t(tries)});
    return;
  }
  Connection& c = open_connection(notice.client);
  acceptor_.connect(c);
  c.connected = true;
}

// The clients arrive one after another, each drawing the time to the next.
void World::schedule_next_arrival(std::uint64_t client) {
  if (client + 1 >= params_.clients) return;
  const auto mean_ns = std::uint64_t(1e9 / params_.arrivals_per_second);
  agenda_.schedule(agenda_.now() + Duration(rng_.below(2 * mean_ns + 1)),
                   Notice{Kind::arrive, client + 1});
}

// A client's behaviour and seed come from the world's seed and its number alone, not from
// the order of draws before it connects.
Connection& World::open_connection(std::uint64_t id) {
  const Instant now = agenda_.now();
  auto connection = std::make_unique<Connection>();
  connection->id = id;
  if (free_slots_.empty()) {
    connection->slot = std::uint32_t(slots_.size());
    slots_.emplace_back();
  } else {
    connection->slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Rng draws(params_.seed ^ (id * 0x9e3779b97f4a7c15ULL));
  const Behaviour behaviour = draw_behaviour(params_.mix, draws);
  connection->client = std::make_unique<Client>(id, behaviour, draws.next(), config_, now);
  connection->client->transcribing = transcribed_ == id;
  connection->batch_sent = now;
  Connection& c = *connection;
  slots_[c.slot] = std::move(connection);
  if (params_.reset_chance > 0 && rng_.chance(params_.reset_chance)) {  // none drawn otherwise
    const auto within = std::uint64_t(2e9 * params_.timeout_seconds);
    const Kind side = rng_.below(2) == 0 ? Kind::reset_by_client : Kind::reset_by_server;
    agenda_.schedule(now + Duration(rng_.below(within)), Notice{side, c.id, c.slot});
  }
  return c;
}

// The network resets a connection whose ends are both open (an RST): what was in flight
// either way is lost; the side it comes from knows at once, the other once it gets there.
void World::reset(Connection& c, bool by_client) {
  if (c.reset || c.client_closed || c.server_closed) return;
  c.reset = true;
  ++(by_client || !c.server ? summary_.net_resets_client : summary_.net_resets_server);
  if (c.server && c.server->mode() == Mode::data) ++summary_.resets_in_data;
  if (!c.to_client.idle()) ++summary_.resets_with_reply_lost;
  c.to_server.drop();
  c.to_client.drop();
  if (by_client || !c.server) {  // the server learns when the reset reaches it
    network_.send(c, Kind::to_server, {}, true);
    clients_.reset(c);  // may forget `c`
    return;
  }
  network_.send(c, Kind::to_client, {}, true);  // before the server's end, which may forget `c`
  worker_.receive(c, {}, true);
}

Connection* World::find(const Notice& notice) {
  if (notice.slot >= slots_.size()) return nullptr;
  Connection* c = slots_[notice.slot].get();
  return c && c->id == notice.client ? c : nullptr;
}

std::string World::transcript_of(std::uint64_t client) const {
  for (const auto& c : slots_) {
    if (c && c->id == client) return c->client->transcript;
  }
  return {};
}

void World::server_closed(Connection& c) {
  c.server_closed = true;
  drain_.serving(c.worker, false);
  acceptor_.worker_freed(c);
  if (acceptor_.stop_signalled() && acceptor_.sees_stop()) begin_drain();
  trace_session(c);
  network_.send(c, Kind::to_client, {}, true);
  acceptor_.maybe_accept();
  if (c.client_closed) forget(c);
}

void World::trace_session(const Connection& c) {
  if (!trace_) return;
  trace_->span(
      c.worker,
      std::string(behaviour_name(c.client->behaviour())) + " client " + std::to_string(c.id),
      c.accepted_at, agenda_.now());
}

void World::client_finished(Connection& c) {
  if (c.server_closed) forget(c);
}

void World::forget(Connection& c) {
  const bool timer_pending = c.timer_pending;
  free_slots_.push_back(c.slot);
  slots_[c.slot].reset();  // `c` is gone from here on
  // The connection's timer stays on the agenda until its deadline; when such leftovers are
  // a quarter of the agenda, they go, so that the heap stays as shallow as the live work.
  if (timer_pending && ++stale_timers_ > 16 && 4 * stale_timers_ > agenda_.size()) {
    agenda_.purge([this](const Notice& notice) {
      return notice.kind == Kind::timeout && find(notice) == nullptr;
    });
    stale_timers_ = 0;
  }
}

// The process dies: every connection it had (served or in the backlog) is reset, its pool
// and files are as a restart finds them, and the real recovery makes sense of the files.
void World::crash() {
  ++summary_.crashes;
  std::vector<std::uint64_t> unreplied;  // deliveries whose 250 was never sent
  for (const auto& slot : slots_) {
    if (slot && !slot->server_closed && slot->delivering && slot->appended) {
      unreplied.push_back(slot->number);
    }
  }
  const std::optional<RecoveryPlan> plan = mailbox_.crash();
  if (!plan) return;
  oracle_.crashed(*plan, mailbox_.live_file(), unreplied);
  acceptor_.crash();
  drain_ = DrainLedger(params_.workers);
  // The kernel closes the dead process's sockets: what it sent still arrives, then the end.
  for (const auto& slot : slots_) {
    Connection* c = slot.get();
    if (c == nullptr || !c->connected || c->server_closed) continue;
    ++summary_.reset_by_crash;
    if (c->server) {
      trace_session(*c);
    } else {
      ++summary_.reset_unserved;
    }
    c->crashed = c->server_closed = true;
    network_.send(*c, Kind::to_client, {}, true);
    if (c->client_closed) forget(*c);
  }
  acceptor_.maybe_accept();
}

// The liveness phase is over: everyone must have finished, and the files must be whole.
void World::check_end() {
  std::string blocked;
  std::optional<std::uint64_t> first_blocked;
  for (const auto& c : slots_) {
    if (!c || blocked.size() > 400) continue;
    if (!first_blocked) first_blocked = c->id;
    blocked += " client " + std::to_string(c->id) + " (" +
               std::string(behaviour_name(c->client->behaviour())) +
               (c->server ? ", server in " + std::string(state_name(c->server->state()))
                          : ", not accepted") +
               ")";
  }
  if (first_blocked) return oracle_.fail("the run stalled; still open:" + blocked, *first_blocked);
  if (!acceptor_.idle() || !mailbox_.idle()) {
    return oracle_.fail("the run stalled: a worker, a delivery or the backup never finished", 0);
  }
  oracle_.check_files_at_end(params_.backup_every);
}

}  // namespace postable::sim
