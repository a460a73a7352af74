// A controlled scheduler for the monitors' real code: managed threads run one at a time, and
// at every lock, unlock, wait and notify the scheduler picks who runs next from a sequence of
// choices (which RapidCheck generates and shrinks), waking threads spuriously when a choice
// says so, within a budget. The same choices replay the same interleaving. When no thread can
// run and not all have finished, the run is a deadlock, and every thread is unwound.
//
// ControlledSync is the sync policy the monitors are templates over (see impl/server/sync.hpp).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace postable::testing {

class ControlledMutex;
class ControlledCondition;

// Thrown by a managed thread when it sees a rule broken: the run stops and reports it.
struct Broken : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Scheduler {
 public:
  // `choices[i]` picks among the candidates of the i-th decision (modulo their count); past
  // the end, the first candidate. `spurious_budget` bounds the spurious wake-ups.
  Scheduler(std::vector<std::size_t> choices, std::size_t spurious_budget);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Adds a managed thread; it starts when run() first picks it.
  std::size_t spawn(std::string name, std::function<void()> body);
  // Runs until every managed thread has finished. Returns what went wrong, if anything: a
  // deadlock (naming who waits on what) or an exception a thread let out.
  std::optional<std::string> run();
  // The decisions taken, one line each: who ran next, and at which point.
  const std::string& schedule() const { return schedule_; }

  // The scheduler of the running managed thread.
  static Scheduler& current();
  // Whether a thread is blocked in a condition variable's wait (not yet notified).
  bool waits_for_notify(std::size_t thread);

  // Scheduling points, called from the running managed thread.
  void yield(const char* point);
  void lock(ControlledMutex& mutex);
  void unlock(ControlledMutex& mutex);
  void wait(ControlledCondition& condition, ControlledMutex& mutex);
  void notify(ControlledCondition& condition, bool all);
  void join(std::size_t thread);

 private:
  enum class State { runnable, on_mutex, on_condition, joining, finished };
  struct Thread {
    std::string name;
    std::function<void()> body;
    State state = State::runnable;
    void* waits_on = nullptr;      // the mutex or condition variable
    std::size_t joins = 0;         // the thread it joins
    std::condition_variable turn;  // signalled when it is this thread's turn
  };
  struct Aborted {};  // unwinds a managed thread after a deadlock or a failure

  bool can_run(const Thread& thread) const;
  // Picks the next thread (maybe the caller) and passes the turn; blocks the caller until its
  // own turn comes again, unless it has finished. After an abort it throws Aborted where
  // `may_throw`, to unwind the caller.
  void reschedule(std::unique_lock<std::mutex>& lock, const char* point, bool may_throw);
  void wait_for_turn(std::unique_lock<std::mutex>& lock, std::size_t me, bool may_throw);
  void pass_turn(std::size_t next);
  // Takes `mutex` for the caller, waiting while another thread holds it.
  void acquire(std::unique_lock<std::mutex>& lock, Thread& self, ControlledMutex& mutex);
  void abort_run(std::string why);
  void body_of(std::size_t me);
  std::size_t choose(std::size_t count);

  std::vector<std::size_t> choices_;
  std::size_t next_choice_ = 0;
  std::size_t steps_ = 0;
  std::size_t spurious_left_;
  std::vector<std::unique_ptr<Thread>> threads_;
  std::vector<std::thread> os_threads_;

  std::mutex baton_;  // guards everything below, and hands the turn from thread to thread
  std::size_t running_;
  bool aborted_ = false;
  std::optional<std::string> failure_;
  std::condition_variable all_done_;
  std::string schedule_;
};

class ControlledMutex {
 public:
  void lock() { Scheduler::current().lock(*this); }
  void unlock() { Scheduler::current().unlock(*this); }

 private:
  friend class Scheduler;
  bool held_ = false;
};

class ControlledCondition {
 public:
  void wait(std::unique_lock<ControlledMutex>& lock) {
    Scheduler::current().wait(*this, *lock.mutex());
  }
  void notify_one() { Scheduler::current().notify(*this, false); }
  void notify_all() { Scheduler::current().notify(*this, true); }

 private:
  friend class Scheduler;
  std::vector<std::size_t> waiters_;  // in the order they began to wait
};

// A managed thread: spawned on the current scheduler, joined through it.
class ControlledThread {
 public:
  ControlledThread(std::string name, std::function<void()> body)
      : id_(Scheduler::current().spawn(std::move(name), std::move(body))) {}
  void join() { Scheduler::current().join(id_); }
  std::size_t id() const { return id_; }

 private:
  std::size_t id_;
};

struct ControlledSync {
  using mutex = ControlledMutex;
  using condition_variable = ControlledCondition;
  using thread = ControlledThread;
};

// Runs `body` as the first managed thread of a fresh scheduler, to its end.
std::optional<std::string> run_controlled(const std::vector<std::size_t>& choices,
                                          std::size_t spurious_budget,
                                          const std::function<void()>& body,
                                          std::string* schedule = nullptr);

}  // namespace postable::testing
