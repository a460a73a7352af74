#include "reply.hpp"

#include "assert.hpp"

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

std::vector<std::string> reply_lines(const std::string& output) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < output.size();) {
    const std::size_t end = output.find("\r\n", start);
    lines.push_back(output.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return lines;
}

DeliveredReply::DeliveredReply(std::string_view name) {
  const std::string zero = render_reply(model::Reply::delivered, {name, {}, 0});
  const std::size_t at = zero.rfind('0');
  before_ = zero.substr(0, at);
  after_ = zero.substr(at + 1, zero.size() - at - 3);  // less the CRLF
}

std::optional<std::uint64_t> DeliveredReply::number(std::string_view line) const {
  if (!line.starts_with(before_) || !line.ends_with(after_) ||
      line.size() < before_.size() + after_.size()) {
    return std::nullopt;
  }
  const std::string_view digits =
      line.substr(before_.size(), line.size() - before_.size() - after_.size());
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (const char digit : digits) {
    if (digit < '0' || digit > '9') return std::nullopt;
    value = value * 10 + std::uint64_t(digit - '0');
  }
  return value;
}

std::optional<std::uint64_t> delivered_number(std::string_view line, std::string_view name) {
  return DeliveredReply(name).number(line);
}

}  // namespace postable
