// The server's stop in the simulated world, as smtpd lives it (protocol.md, "Shutdown"): the
// signal reaches the pool's machine (server/signal_watch.hpp), the acceptor sees it when that
// machine says so, the drain begins (the listener closes, the backlog goes unanswered, the
// drain's machine says which waiting workers to wake), and at its end every session still
// open is closed. The decisions are the real machines' (PoolLedger, DrainLedger, Session);
// this file only carries them out over the agenda, and checks protocol.md's promise.
#include <algorithm>
#include <string>

#include "sim/world.hpp"

namespace postable::sim {

using namespace std::chrono;

void World::stop() {
  ++summary_.stops;
  acceptor_.stop();
  if (acceptor_.sees_stop()) begin_drain();
  check_told_at_stop();
}

void World::begin_drain() {
  // The drain's machine enters its stop first (the phase says the listener is closed); the
  // workers it names are woken once every connection knows the server stops.
  const std::vector<std::size_t> waiting_for_a_command = drain_.stop();
  for (Connection* c : acceptor_.take_backlog()) {  // closed with the listener, unanswered
    ++summary_.stop_backlog_closed;
    c->stopped = c->server_closed = true;
    network_.send(*c, Kind::to_client, {}, true);
    if (c->client_closed) forget(*c);
  }
  for (const auto& slot : slots_) {
    if (slot && slot->server && !slot->server_closed) slot->stopped = true;
  }
  agenda_.schedule(agenda_.now() + duration_cast<Duration>(duration<double>(params_.drain_seconds)),
                   Notice{Kind::drain_over});
  wake_workers(waiting_for_a_command);
}

void World::end_drain() {
  wake_workers(drain_.end_drain());
  check_closed_at_drain_end();
}

// Wakes the connections of the workers the drain's machine named.
void World::wake_workers(const std::vector<std::size_t>& workers) {
  if (workers.empty()) return;
  std::vector<Connection*> woken;
  for (const auto& slot : slots_) {
    if (slot && slot->server && !slot->server_closed &&
        std::find(workers.begin(), workers.end(), slot->worker) != workers.end()) {
      woken.push_back(slot.get());
    }
  }
  for (Connection* c : woken) worker_.wake(*c);  // may close, but not forget, another
}

// At the stop, every session between messages is told at once: none still waits for a
// command. (A session inside a message is told after its reply; the drain's end closes all.)
void World::check_told_at_stop() {
  for (const auto& slot : slots_) {
    const Connection* c = slot.get();
    if (oracle_.failed()) return;
    if (c == nullptr || !c->server || c->server_closed) continue;
    const Session& session = *c->server;
    if (session.mode() == Mode::command && session.wants_input() && !session.stopping()) {
      oracle_.not_told_at_stop(c->id);
    }
  }
}

// At the drain's end, every session is closed, but for one storing its message: it closes
// right after the store.
void World::check_closed_at_drain_end() {
  for (const auto& slot : slots_) {
    const Connection* c = slot.get();
    if (oracle_.failed()) return;
    if (c == nullptr || !c->server || c->server_closed) continue;
    if (!c->server->awaiting_delivery()) {
      oracle_.open_at_drain_end(c->id);
    }
  }
}

}  // namespace postable::sim
