#include "property/scheduler.hpp"

#include <algorithm>
#include <exception>
#include <thread>

namespace postable::testing {

namespace {

Scheduler* active = nullptr;                   // one scheduler at a time
constexpr std::size_t none = std::size_t(-1);  // no thread holds the turn
constexpr std::size_t step_limit = 200'000;    // a run this long is taken for a livelock

}  // namespace

Scheduler::Scheduler(std::vector<std::size_t> choices, std::size_t spurious_budget)
    : choices_(std::move(choices)), spurious_left_(spurious_budget), running_(none) {
  if (active != nullptr) std::terminate();  // the sync primitives find the scheduler globally
  active = this;
}

Scheduler::~Scheduler() {
  {
    std::unique_lock lock(baton_);
    const bool unfinished = std::any_of(threads_.begin(), threads_.end(),
                                        [](const auto& t) { return t->state != State::finished; });
    if (unfinished) {
      abort_run("the scheduler ended before its threads");
      if (running_ == none) {
        for (std::size_t t = 0; t < threads_.size() && running_ == none; ++t) {
          if (threads_[t]->state != State::finished) pass_turn(t);
        }
      }
    }
  }
  for (std::thread& thread : os_threads_) thread.join();
  active = nullptr;
}

Scheduler& Scheduler::current() {
  return *active;
}

bool Scheduler::waits_for_notify(std::size_t thread) {
  std::unique_lock lock(baton_);
  return threads_[thread]->state == State::on_condition;
}

std::size_t Scheduler::spawn(std::string name, std::function<void()> body) {
  std::unique_lock lock(baton_);
  const std::size_t id = threads_.size();
  auto thread = std::make_unique<Thread>();
  thread->name = std::move(name);
  thread->body = std::move(body);
  threads_.push_back(std::move(thread));
  os_threads_.emplace_back([this, id] { body_of(id); });
  return id;
}

std::optional<std::string> Scheduler::run() {
  std::unique_lock lock(baton_);
  if (threads_.empty()) return std::nullopt;
  running_ = choose(threads_.size());
  schedule_ += "start -> " + threads_[running_]->name + "\n";
  threads_[running_]->turn.notify_one();
  all_done_.wait(lock, [this] {
    return std::all_of(threads_.begin(), threads_.end(),
                       [](const auto& t) { return t->state == State::finished; });
  });
  return failure_;
}

void Scheduler::body_of(std::size_t me) {
  std::optional<std::string> failed;
  try {
    {
      std::unique_lock lock(baton_);
      wait_for_turn(lock, me, true);
    }
    threads_[me]->body();
  } catch (const Aborted&) {
  } catch (const std::exception& error) {
    failed = error.what();
  } catch (...) {
    failed = "an exception of unknown type";
  }
  std::unique_lock lock(baton_);
  Thread& self = *threads_[me];
  self.state = State::finished;
  for (const auto& other : threads_) {  // joiners can go on
    if (other->state == State::joining && other->joins == me) other->state = State::runnable;
  }
  if (failed && !aborted_) abort_run(self.name + ": " + *failed);
  reschedule(lock, "end", false);
}

bool Scheduler::can_run(const Thread& thread) const {
  switch (thread.state) {
    case State::runnable:
      return true;
    case State::on_mutex:
      return !static_cast<const ControlledMutex*>(thread.waits_on)->held_;
    case State::joining:
      return threads_[thread.joins]->state == State::finished;
    case State::on_condition:
    case State::finished:
      return false;
  }
  return false;
}

std::size_t Scheduler::choose(std::size_t count) {
  if (next_choice_ >= choices_.size()) return 0;
  return choices_[next_choice_++] % count;
}

void Scheduler::wait_for_turn(std::unique_lock<std::mutex>& lock, std::size_t me, bool may_throw) {
  threads_[me]->turn.wait(lock, [&] { return running_ == me; });
  if (aborted_ && may_throw) throw Aborted{};
}

// After an abort the threads still run one at a time: each is resumed in turn and unwinds
// at its next scheduling point, so no two ever run together.
void Scheduler::abort_run(std::string why) {
  aborted_ = true;
  if (!failure_) failure_ = std::move(why);
  schedule_ += "abort: " + *failure_ + "\n";
}

void Scheduler::pass_turn(std::size_t next) {
  running_ = next;
  if (next != none) threads_[next]->turn.notify_one();
}

void Scheduler::reschedule(std::unique_lock<std::mutex>& lock, const char* point, bool may_throw) {
  const std::size_t me = running_;
  const bool finished = threads_[me]->state == State::finished;
  std::size_t next = none;
  if (aborted_) {  // unwinding: the caller first, then the next unfinished thread
    if (!finished) {
      if (may_throw) throw Aborted{};
      return;
    }
    for (std::size_t t = 0; t < threads_.size() && next == none; ++t) {
      if (threads_[t]->state != State::finished) next = t;
    }
  } else {
    std::vector<std::size_t> candidates;
    for (std::size_t t = 0; t < threads_.size(); ++t) {
      if (can_run(*threads_[t])) candidates.push_back(t);
    }
    const std::size_t real = candidates.size();
    if (real > 0 && spurious_left_ > 0) {  // a waiter may wake without a notify
      for (std::size_t t = 0; t < threads_.size(); ++t) {
        if (threads_[t]->state == State::on_condition) candidates.push_back(t);
      }
    }
    if (real == 0) {
      const bool all_finished = std::all_of(threads_.begin(), threads_.end(), [](const auto& t) {
        return t->state == State::finished;
      });
      if (!all_finished) {
        std::string stuck = "deadlock:";
        for (const auto& t : threads_) {
          if (t->state == State::on_mutex) stuck += " " + t->name + " waits for a lock;";
          if (t->state == State::on_condition) stuck += " " + t->name + " waits for a notify;";
          if (t->state == State::joining) stuck += " " + t->name + " waits to join;";
        }
        abort_run(stuck);
        return reschedule(lock, point, may_throw);
      }
    } else if (++steps_ > step_limit) {
      abort_run("no end after " + std::to_string(step_limit) + " steps");
      return reschedule(lock, point, may_throw);
    } else {
      const std::size_t pick = choose(candidates.size());
      next = candidates[pick];
      if (pick >= real) {  // a spurious wake-up: it leaves the condition's waiters
        --spurious_left_;
        auto& waiters = static_cast<ControlledCondition*>(threads_[next]->waits_on)->waiters_;
        waiters.erase(std::find(waiters.begin(), waiters.end(), next));
        threads_[next]->state = State::runnable;
        schedule_ += std::string(point) + " -> " + threads_[next]->name + " (spurious wake-up)\n";
      } else if (next != me) {
        schedule_ += std::string(point) + " -> " + threads_[next]->name + "\n";
      }
    }
  }
  if (next == me) return;
  pass_turn(next);
  if (next == none) all_done_.notify_all();
  if (!finished) wait_for_turn(lock, me, may_throw);
}

void Scheduler::yield(const char* point) {
  std::unique_lock lock(baton_);
  if (aborted_) throw Aborted{};
  reschedule(lock, point, true);
}

void Scheduler::lock(ControlledMutex& mutex) {
  std::unique_lock lock(baton_);
  if (aborted_) throw Aborted{};
  Thread& self = *threads_[running_];
  reschedule(lock, "lock", true);
  acquire(lock, self, mutex);
}

void Scheduler::acquire(std::unique_lock<std::mutex>& lock, Thread& self, ControlledMutex& mutex) {
  while (mutex.held_) {
    self.state = State::on_mutex;
    self.waits_on = &mutex;
    reschedule(lock, "blocked on a lock", true);
  }
  self.state = State::runnable;
  mutex.held_ = true;
}

// Not a point that throws: it runs in destructors. An abort makes the next point unwind.
void Scheduler::unlock(ControlledMutex& mutex) {
  std::unique_lock lock(baton_);
  mutex.held_ = false;
  if (!aborted_) reschedule(lock, "unlock", false);
}

void Scheduler::wait(ControlledCondition& condition, ControlledMutex& mutex) {
  std::unique_lock lock(baton_);
  if (aborted_) throw Aborted{};
  Thread& self = *threads_[running_];
  mutex.held_ = false;
  condition.waiters_.push_back(running_);
  self.state = State::on_condition;
  self.waits_on = &condition;
  reschedule(lock, "wait", true);  // back when notified, or woken spuriously
  acquire(lock, self, mutex);
}

void Scheduler::notify(ControlledCondition& condition, bool all) {
  std::unique_lock lock(baton_);
  if (aborted_) throw Aborted{};
  auto& waiters = condition.waiters_;
  if (!waiters.empty()) {
    // notify_one wakes one of the waiters, which one being unspecified: a choice.
    const std::size_t first = all ? 0 : choose(waiters.size());
    const std::size_t end = all ? waiters.size() : first + 1;
    for (std::size_t w = first; w < end; ++w) threads_[waiters[w]]->state = State::runnable;
    waiters.erase(waiters.begin() + std::ptrdiff_t(first), waiters.begin() + std::ptrdiff_t(end));
  }
  reschedule(lock, all ? "notify_all" : "notify_one", true);
}

void Scheduler::join(std::size_t thread) {
  std::unique_lock lock(baton_);
  if (aborted_) throw Aborted{};
  Thread& self = *threads_[running_];
  while (threads_[thread]->state != State::finished) {
    self.state = State::joining;
    self.joins = thread;
    reschedule(lock, "join", true);
  }
  self.state = State::runnable;
}

std::optional<std::string> run_controlled(const std::vector<std::size_t>& choices,
                                          std::size_t spurious_budget,
                                          const std::function<void()>& body,
                                          std::string* schedule) {
  Scheduler scheduler(choices, spurious_budget);
  scheduler.spawn("main", body);
  std::optional<std::string> failure = scheduler.run();
  if (schedule != nullptr) *schedule = scheduler.schedule();
  return failure;
}

}  // namespace postable::testing
