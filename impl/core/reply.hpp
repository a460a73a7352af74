// Renders a reply of the model onto the wire: "CODE TEXT\r\n", with {name}, {arg} and {n}
// filled in. Bytes of {arg} outside 0x20-0x7E are written as `?` so that a client cannot
// put control bytes into a reply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/smtp_table.hpp"

namespace postable {

struct ReplyValues {
  std::string_view name;
  std::string_view arg;
  std::uint64_t number = 0;
};

void append_reply(std::string& out, model::Reply reply, const ReplyValues& values);
std::string render_reply(model::Reply reply, const ReplyValues& values);

}  // namespace postable
