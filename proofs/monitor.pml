/* The monitor primitives as impl/server uses them, shared by the models: a mutex, and
 * condition variables whose wait releases the mutex, sleeps until notified (or wakes
 * spuriously, at most SPURIOUS_MAX times in a run), then takes the mutex again. A model
 * names its condition variables 0, 1 and 2; `waiting` holds a flag per variable and process,
 * set while that process waits on it. Processes are numbered by _pid; at most MAXP. */

#define MAXP 6
#define W(cv, p) waiting[(cv) * MAXP + (p)]

bool waiting[3 * MAXP];
#ifndef SPURIOUS_MAX
#define SPURIOUS_MAX 2
#endif

byte mutex = 0;     /* 0: free; else the owner's _pid + 1 */
byte spurious = 0;  /* spurious wake-ups so far */

/* std::unique_lock lock(mutex_) */
inline lock() {
  atomic { mutex == 0 -> mutex = _pid + 1 }
}

/* the lock's destructor, or lock.unlock() */
inline unlock() {
  assert(mutex == _pid + 1);
  mutex = 0
}

/* cv.wait(lock): release, sleep until notified or a spurious wake-up, take the lock again */
inline wait(cv) {
  atomic { assert(mutex == _pid + 1); W(cv, _pid) = true; mutex = 0 };
  if
  :: atomic { !W(cv, _pid) -> skip }
  :: atomic { spurious < SPURIOUS_MAX && W(cv, _pid) -> W(cv, _pid) = false; spurious++ }
  fi;
  lock()
}

/* cv.notify_one(): one of the waiters, which one being unspecified */
inline notify_one(cv) {
  atomic {
    if
    :: W(cv, 0) -> W(cv, 0) = false
    :: W(cv, 1) -> W(cv, 1) = false
    :: W(cv, 2) -> W(cv, 2) = false
    :: W(cv, 3) -> W(cv, 3) = false
    :: W(cv, 4) -> W(cv, 4) = false
    :: W(cv, 5) -> W(cv, 5) = false
    :: else -> skip
    fi
  }
}

/* cv.notify_all() */
inline notify_all(cv) {
  atomic {
    W(cv, 0) = false; W(cv, 1) = false; W(cv, 2) = false;
    W(cv, 3) = false; W(cv, 4) = false; W(cv, 5) = false
  }
}
