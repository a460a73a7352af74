#include "reply.hpp"

namespace postable {

void append_reply(std::string& out, model::Reply reply, const ReplyValues& values) {
  const model::ReplyInfo& info = model::replies[std::size_t(reply)];
  out += std::to_string(info.code);
  out += ' ';
  std::string_view text = info.text;
  while (!text.empty()) {
    const std::size_t open = text.find('{');
    out.append(text.substr(0, open));
    if (open == std::string_view::npos) break;
    text.remove_prefix(open);
    if (text.starts_with("{name}")) {
      out.append(values.name);
      text.remove_prefix(6);
    } else if (text.starts_with("{arg}")) {
      for (char c : values.arg) out += (c >= 0x20 && c <= 0x7e) ? c : '?';
      text.remove_prefix(5);
    } else if (text.starts_with("{n}")) {
      out += std::to_string(values.number);
      text.remove_prefix(3);
    } else {  // the model compiler admits no other placeholder; keep the brace as text
      out += '{';
      text.remove_prefix(1);
    }
  }
  out += "\r\n";
}

std::string render_reply(model::Reply reply, const ReplyValues& values) {
  std::string out;
  append_reply(out, reply, values);
  return out;
}

}  // namespace postable
