#include "peer/mirror.hpp"

#include "core/decimal.hpp"
#include "core/reply.hpp"

namespace postable::peer {

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
  return parse_decimal(line.substr(before_.size(), line.size() - before_.size() - after_.size()));
}

Mirror::Mirror(const SessionConfig& config, Instant now, Session::Observer observer)
    : session_(config, now, std::move(observer)), delivered_(config.name) {
  owe_output();  // the greeting
}

void Mirror::owe_output() {
  owed_.add(session_.output());
  session_.clear_output();
}

void Mirror::send(std::string_view bytes, Instant at) {
  session_.feed(bytes, at);
  owe_output();
}

void Mirror::hang_up(Instant at) {
  if (session_.wants_input()) session_.on_eof(at);
  session_.clear_output();
  owed_.clear();
}

void Mirror::time_out(Instant deadline) {
  session_.on_timeout(deadline);
  owe_output();
}

void Mirror::heard_timeout(Instant deadline) {
  owed_.clear();
  if (!session_.wants_input()) return;
  session_.on_timeout(deadline);
  session_.clear_output();  // the reply that was just heard
}

Heard Mirror::hear(std::string_view line, Instant at) {
  if (!owed_.empty()) {
    if (owed_.front() != line) return {Heard::Kind::unexpected, owed_.front(), 0};
    owed_.pop();
    return {Heard::Kind::expected, {}, 0};
  }
  if (session_.awaiting_delivery()) return hear_delivery(line, at);
  return {Heard::Kind::unasked, {}, 0};
}

// The reply to a message: stored with a number the server chose, or refused by its store.
// The session is told which; what follows the reply is then owed.
Heard Mirror::hear_delivery(std::string_view line, Instant at) {
  last_message_ = std::move(*session_.take_delivery());
  Heard heard{Heard::Kind::delivered, {}, 0};
  if (const auto number = delivered_.number(line)) {
    heard.number = *number;
    session_.on_delivered(*number, at);
  } else {
    session_.on_delivery_failed(at);
    heard.kind = Heard::Kind::refused;
  }
  owe_output();
  if (heard.kind == Heard::Kind::delivered) {
    owed_.pop();  // the number's line, heard
  } else if (owed_.front() == line) {
    owed_.pop();
  } else {
    heard.kind = Heard::Kind::unexpected;
    heard.wanted = owed_.front();
  }
  return heard;
}

}  // namespace postable::peer
