// Assertions that stay on in every build: they guard the core's own invariants, never a
// client's behaviour (a misbehaving client gets a reply, not an abort).
#pragma once

#include <cstdio>
#include <cstdlib>

#define POSTABLE_ASSERT(condition)                                                           \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)
