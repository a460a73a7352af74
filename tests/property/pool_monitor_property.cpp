// The real Pool monitor under the controlled scheduler: an acceptor hands out connections as
// workers become idle, workers serve each for a random number of steps, in an interleaving
// RapidCheck chooses. Accept only when a worker is idle; every connection served exactly
// once; nobody left waiting; and no lost wake-up: never is the acceptor asleep, with
// connections to hand out, while a worker sleeps idle and the hand-off slot is free. (Never
// more than N served at once holds by construction, N threads each serving one connection to
// its end, so no check here could fail.)
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

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
  std::size_t in_next = 0;  // workers inside next_connection (the idle ones among them)
  std::size_t handed = 0;   // handed off, not yet returned to a worker
  std::vector<int> served;
  bool accepting = false;  // the acceptor has connections left to hand out

  // Called by a serving worker at each step: the rule a lost wake-up breaks.
  void check_wakeups() const {
    Scheduler& scheduler = Scheduler::current();
    if (!accepting || handed > 0 || !scheduler.waits_for_notify(acceptor)) return;
    for (std::size_t worker : workers) {
      if (scheduler.waits_for_notify(worker)) {
        throw Broken("the acceptor sleeps while a worker is idle and the hand-off slot is free");
      }
    }
  }
};

std::string serve_all(std::size_t workers, const std::vector<int>& service_steps,
                      const std::vector<std::size_t>& choices, std::size_t spurious) {
  Pool<std::size_t, ControlledSync> pool(workers);
  Watch watch;
  watch.served.assign(service_steps.size(), 0);
  std::string schedule;
  const auto failure = run_controlled(
      choices, spurious,
      [&] {
        std::vector<ControlledThread> threads;
        watch.accepting = !service_steps.empty();
        for (std::size_t w = 0; w < workers; ++w) {
          threads.emplace_back("worker " + std::to_string(w), [&] {
            for (;;) {
              ++watch.in_next;
              const auto connection = pool.next_connection();
              --watch.in_next;
              if (!connection) return;
              --watch.handed;
              ++watch.served[*connection];
              for (int step = 0; step < service_steps[*connection]; ++step) {
                watch.check_wakeups();
                Scheduler::current().yield("serve");
              }
            }
          });
          watch.workers.push_back(threads.back().id());
        }
        for (std::size_t c = 0; c < service_steps.size(); ++c) {  // the acceptor
          if (!pool.wait_for_idle_worker()) throw Broken("the pool stopped early");
          if (watch.in_next <= watch.handed) throw Broken("accepted while no worker was idle");
          pool.hand_off(c);
          ++watch.handed;
        }
        watch.accepting = false;
        pool.stop();
        for (ControlledThread& thread : threads) thread.join();
      },
      &schedule);
  std::string wrong = failure.value_or("");
  for (std::size_t c = 0; c < watch.served.size(); ++c) {
    if (!failure && watch.served[c] != 1) {
      wrong += "connection " + std::to_string(c) + " was served " +
               std::to_string(watch.served[c]) + " times; ";
    }
  }
  return wrong.empty() ? "" : wrong + "\nschedule:\n" + schedule;
}

}  // namespace

RC_BOOST_PROP(the_pool_monitor_serves_each_connection_once_within_its_workers, ()) {
  const auto workers = *rc::gen::inRange<std::size_t>(1, 5);
  const auto service_steps =
      *rc::gen::container<std::vector<int>>(*rc::gen::inRange(0, 9), rc::gen::inRange(0, 4));
  const auto choices =
      *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 8));
  const auto spurious = *rc::gen::inRange<std::size_t>(0, 4);
  const std::string wrong = serve_all(workers, service_steps, choices, spurious);
  RC_LOG() << wrong;
  RC_ASSERT(wrong.empty());
}
