// Reading the generated protocol table: find the row for an input, and name things for
// logs and traces (`READY -> HELLO on HELO ok / 250`), never by their numbers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "model/smtp_table.hpp"

namespace postable {

// The row a state answers an input with; the compiler proved there is exactly one for every
// input the state's mode receives. Returns nullptr for an input the mode never receives.
const model::Row* find_row(model::State state, model::Input input, Outcome outcome);

std::string_view state_name(model::State state);
std::string_view input_name(model::Input input);
std::string describe(const model::Row& row);

}  // namespace postable
