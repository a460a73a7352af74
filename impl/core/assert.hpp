// Assertions that stay on in every build: they guard the core's own invariants, never a
// client's behaviour (a misbehaving client gets a reply, not an abort).
#pragma once

namespace postable {

// A failed assertion calls the handler, if one was set, then prints itself and aborts. The
// property tests set a handler that throws, so that a planted bug caught by an assertion is
// reported and shrunk by the property instead of killing the process.
using AssertionHandler = void (*)(const char* file, int line, const char* condition);
void set_assertion_handler(AssertionHandler handler);
[[noreturn]] void assertion_failed(const char* file, int line, const char* condition);

}  // namespace postable

#define POSTABLE_ASSERT(condition)                                                  \
  do {                                                                              \
    if (!(condition)) ::postable::assertion_failed(__FILE__, __LINE__, #condition); \
  } while (false)
