// A preloaded stand-in for fdatasync(2) that fails every Nth call with EIO
// (POSTABLE_FAIL_SYNC_EVERY=N; unset or 0: never), so that a real smtpd meets failed syncs
// of mailbox in a short run (tests/scripts/traced_run.sh, scenario syncfail).
#include <dlfcn.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

namespace {

std::atomic<unsigned long> calls{0};

unsigned long fail_every() {
  static const unsigned long every = [] {
    const char* text = std::getenv("POSTABLE_FAIL_SYNC_EVERY");
    return text == nullptr ? 0UL : std::strtoul(text, nullptr, 10);
  }();
  return every;
}

}  // namespace

extern "C" int fdatasync(int fd) {
  using Real = int (*)(int);
  static const Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "fdatasync"));
  const unsigned long every = fail_every();
  if (every != 0 && ++calls % every == 0) {
    errno = EIO;
    return -1;
  }
  return real(fd);
}
