#include "core/reply.hpp"

#include "core/assert.hpp"

namespace postable {

void append_reply(std::string& out, model::Reply reply, const ReplyValues& values) {
  const model::ReplyInfo& info = model::replies[std::size_t(reply)];
  POSTABLE_ASSERT(info.code >= 100 && info.code <= 999);  // SMTP codes have three digits
  const char code[] = {char('0' + info.code / 100), char('0' + info.code / 10 % 10),
                       char('0' + info.code % 10), ' '};
  out.append(code, sizeof code);
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
