#include "core/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace postable {

namespace {
AssertionHandler handler = nullptr;
}  // namespace

void set_assertion_handler(AssertionHandler new_handler) {
  handler = new_handler;
}

void assertion_failed(const char* file, int line, const char* condition) {
  if (handler != nullptr) handler(file, line, condition);  // may throw
  std::fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, condition);
  std::abort();
}

}  // namespace postable
