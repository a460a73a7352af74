// Renders a reply of the model onto the wire: "CODE TEXT\r\n", with {name}, {arg} and {n}
// filled in. Bytes of {arg} outside 0x20-0x7E are written as `?` so that a client cannot
// put control bytes into a reply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtp_table.hpp"

namespace postable {

struct ReplyValues {
  std::string_view name;
  std::string_view arg;
  std::uint64_t number = 0;
};

void append_reply(std::string& out, model::Reply reply, const ReplyValues& values);
std::string render_reply(model::Reply reply, const ReplyValues& values);

// Splits replies as sent ("...\r\n...\r\n") into lines without their CRLF.
std::vector<std::string> reply_lines(const std::string& output);

// Reads the number in a `delivered` reply line through the model's template, rendered once
// for a server name; nullopt when the line is not one.
class DeliveredReply {
 public:
  explicit DeliveredReply(std::string_view name);
  std::optional<std::uint64_t> number(std::string_view line) const;

 private:
  std::string before_, after_;  // the rendered template's text around its number
};

// The same, for one line.
std::optional<std::uint64_t> delivered_number(std::string_view line, std::string_view name);

}  // namespace postable
