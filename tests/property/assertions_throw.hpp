// A global test fixture: a failed assertion in the code under test throws instead of
// aborting, so that a property reports it as its own failure and RapidCheck shrinks it.
#pragma once

#include <stdexcept>
#include <string>

#include "core/assert.hpp"

namespace postable::testing {

struct AssertionFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct AssertionsThrow {
  AssertionsThrow() {
    set_assertion_handler([](const char* file, int line, const char* condition) {
      throw AssertionFailed(std::string("assertion failed: ") + condition + " (" + file + ":" +
                            std::to_string(line) + ")");
    });
  }
};

}  // namespace postable::testing
