// The real Pool monitor under the controlled scheduler: an acceptor hands out connections as
// workers become idle, workers serve each for a random number of steps, in an interleaving
// RapidCheck chooses. Accept only when a worker is idle; every connection handed off served
// exactly once; nobody left waiting; and no lost wake-up: never is the acceptor asleep, with
// connections to hand out, while a worker sleeps idle and the hand-off slot is free. In some
// worlds a stop signal comes at a drawn moment from a thread of its own, and some sessions
// last until the drain begins (as a busy session does, which only the drain ends): the
// acceptor must see the stop whatever the workers are doing, and never sleep after it. (Never
// more than N served at once holds by construction, N threads each serving one connection to
// its end, so no check here could fail.)
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <optional>
#include <string>
#include <vector>

#include "property/scheduler.hpp"
#include "server/pool.hpp"

namespace {

using namespace postable;
using namespace postable::testing;

// What the test sees of the pool; only the running thread touches it.
struct Watch {
  std::size_t acceptor = 0;  // the managed thread that accepts: the first, `main`
  std::vector<std::size_t> workers;
  std::vector<bool> until_drain;  // the worker serves a session that lasts until the drain
  std::size_t in_next = 0;        // workers inside next_connection (the idle ones among them)
  std::size_t handed = 0;         // handed off, not yet returned to a worker
  std::vector<int> served;
  bool accepting = false;  // the acceptor has connections left to hand out
  bool stopped = false;    // the stop signal has been given to the pool

  // Called by a serving worker at each step: the rule a lost wake-up breaks.
  void check_wakeups() const {
    Scheduler& scheduler = Scheduler::current();
    if (stopped && scheduler.waits_for_notify(acceptor)) {
      throw Broken("the acceptor sleeps after the stop");
    }
    if (!accepting || handed > 0 || !scheduler.waits_for_notify(acceptor)) return;
    for (std::size_t i = 0; i < workers.size(); ++i) {
      if (scheduler.waits_for_notify(workers[i]) && !until_drain[i]) {
        throw Broken("the acceptor sleeps while a worker is idle and the hand-off slot is free");
      }
    }
  }
};

// A session that lasts until the drain begins; the others last their number of steps.
constexpr int until_the_drain = -1;

// The drain's start, which ends the sessions that last until it.
struct DrainStart {
  ControlledSync::mutex mutex;
  ControlledSync::condition_variable begun;
  bool draining = false;
};

void serve(Watch& watch, std::size_t worker, DrainStart& drain, int steps) {
  if (steps == until_the_drain) {
    watch.until_drain[worker] = true;
    std::unique_lock lock(drain.mutex);
    while (!drain.draining) drain.begun.wait(lock);
    watch.until_drain[worker] = false;
    return;
  }
  for (int step = 0; step < steps; ++step) {
    watch.check_wakeups();
    Scheduler::current().yield("serve");
  }
}

// `stop_after`: the signal's thread gives the stop after that many steps of its own.
std::string serve_all(std::size_t workers, const std::vector<int>& service_steps,
                      const std::vector<std::size_t>& choices, std::size_t spurious,
                      std::optional<int> stop_after) {
  Pool<std::size_t, ControlledSync> pool(workers);
  Watch watch;
  DrainStart drain;
  watch.served.assign(service_steps.size(), 0);
  watch.until_drain.assign(workers, false);
  std::size_t handed_off = 0;
  std::string schedule;
  const auto failure = run_controlled(
      choices, spurious,
      [&] {
        std::vector<ControlledThread> threads;
        watch.accepting = !service_steps.empty();
        for (std::size_t w = 0; w < workers; ++w) {
          threads.emplace_back("worker " + std::to_string(w), [&, w] {
            for (;;) {
              ++watch.in_next;
              const auto connection = pool.next_connection();
              --watch.in_next;
              if (!connection) return;
              --watch.handed;
              ++watch.served[*connection];
              serve(watch, w, drain, service_steps[*connection]);
            }
          });
          watch.workers.push_back(threads.back().id());
        }
        if (stop_after) {
          threads.emplace_back("signal", [&] {
            for (int step = 0; step < *stop_after; ++step) Scheduler::current().yield("signal");
            pool.stop();
            watch.stopped = true;
          });
        }
        for (; handed_off < service_steps.size(); ++handed_off) {  // the acceptor
          if (!pool.wait_for_idle_worker()) {
            if (!stop_after) throw Broken("the pool stopped early");
            break;
          }
          if (watch.in_next <= watch.handed) throw Broken("accepted while no worker was idle");
          pool.hand_off(handed_off);
          ++watch.handed;
        }
        watch.accepting = false;
        {
          std::unique_lock lock(drain.mutex);
          drain.draining = true;
          drain.begun.notify_all();
        }
        pool.stop();
        for (ControlledThread& thread : threads) thread.join();
      },
      &schedule);
  std::string wrong = failure.value_or("");
  for (std::size_t c = 0; c < watch.served.size() && !failure; ++c) {
    const int expected = c < handed_off ? 1 : 0;  // the rest stay in the backlog
    if (watch.served[c] != expected) {
      wrong += "connection " + std::to_string(c) + " was served " +
               std::to_string(watch.served[c]) + " times; ";
    }
  }
  return wrong.empty() ? "" : wrong + "\nschedule:\n" + schedule;
}

}  // namespace

RC_BOOST_PROP(the_pool_monitor_serves_each_connection_once_within_its_workers, ()) {
  const auto workers = *rc::gen::inRange<std::size_t>(1, 5);
  const auto choices =
      *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 8));
  const auto spurious = *rc::gen::inRange<std::size_t>(0, 4);
  const bool stopped = *rc::gen::inRange(0, 2) == 1;
  // Without a stop, every session ends by itself; with one, some last until the drain.
  const auto steps = stopped ? rc::gen::inRange(until_the_drain, 4) : rc::gen::inRange(0, 4);
  const auto service_steps = *rc::gen::container<std::vector<int>>(*rc::gen::inRange(0, 9), steps);
  const std::optional<int> stop_after =
      stopped ? std::optional<int>(*rc::gen::inRange(0, 12)) : std::nullopt;
  RC_TAG(stopped ? "a stop" : "no stop");
  const std::string wrong = serve_all(workers, service_steps, choices, spurious, stop_after);
  RC_LOG() << wrong;
  RC_ASSERT(wrong.empty());
}
