#include "property/reference_session.hpp"

#include <cctype>

namespace postable::testing {
namespace {

bool blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "one run of printable ASCII (0x21-0x7E)"
bool one_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// "every byte outside 0x20-0x7E is written as ?"
std::string echo(std::string_view s) {
  std::string out;
  for (char c : s) out += (c >= 0x20 && c <= 0x7e) ? c : '?';
  return out;
}

// `FROM:` / `TO:`: the keyword, blanks allowed around the colon. Returns false when absent.
bool take_keyword(std::string_view rest, std::string_view keyword, std::string_view& address) {
  if (upper(rest.substr(0, keyword.size())) != keyword) return false;
  rest = trim(rest.substr(keyword.size()));
  if (rest.empty() || rest.front() != ':') return false;
  address = trim(rest.substr(1));
  return true;
}

}  // namespace

ReferenceSession::ReferenceSession(Config config) : config_(std::move(config)) {}

std::string ReferenceSession::greeting() const {
  return "220 " + config_.name + " SMTP CS4410MP3\r\n";
}

std::string ReferenceSession::forward(std::string reply) {
  elapsed_ms_ = 0;
  return reply;
}

std::string ReferenceSession::command(std::string_view line) {
  const std::string verb = upper(trim(line).substr(0, 4));
  const bool junk = !config_.strict && (verb == "NOOP" || verb == "RSET") &&
                    (trim(line).size() == 4 || blank(trim(line)[4]));
  return counted(answer(line), junk);
}

std::string ReferenceSession::counted(std::string reply, bool junk) {
  const int code = std::stoi(reply.substr(0, 3));
  bool error = code >= 400 && code != 421;
  if (junk && ++junk_ > config_.junk_limit) error = true;
  if (error) ++errors_;
  if (config_.error_limit != 0 && errors_ >= config_.error_limit && phase_ != Phase::closed) {
    phase_ = Phase::closed;
    reply += "421 4.7.0 " + config_.name + " Error: too many errors\r\n";
  }
  return reply;
}

std::string ReferenceSession::answer(std::string_view line) {
  line = trim(line);
  std::size_t verb_end = 0;
  while (verb_end < line.size() && !blank(line[verb_end])) ++verb_end;
  const std::string verb = upper(line.substr(0, verb_end));
  const std::string_view rest = trim(line.substr(verb_end));
  const bool extension = verb == "EHLO" || verb == "NOOP" || verb == "RSET" || verb == "QUIT";
  if (extension && config_.strict) return "502 5.5.2 Error: command not recognized\r\n";
  if (verb == "HELO" || verb == "EHLO") return hello_verb(verb, rest);
  if (verb == "MAIL") return mail(rest);
  if (verb == "RCPT") return rcpt(rest);
  if (verb == "DATA") return data(rest);
  if (verb == "NOOP") return "250 2.0.0 OK\r\n";
  if (verb == "RSET") {
    if (!rest.empty()) return "501 Syntax:  RSET\r\n";
    if (phase_ != Phase::ready) phase_ = Phase::hello;
    recipients_.clear();
    return "250 2.0.0 OK\r\n";
  }
  if (verb == "QUIT") {
    if (!rest.empty()) return "501 Syntax:  QUIT\r\n";
    phase_ = Phase::closed;
    return "221 2.0.0 Bye\r\n";
  }
  return "502 5.5.2 Error: command not recognized\r\n";
}

std::string ReferenceSession::hello_verb(std::string_view verb, std::string_view rest) {
  if (phase_ != Phase::ready) return "503 Error: duplicate HELO\r\n";
  if (!one_token(rest)) return "501 Syntax:  " + std::string(verb) + " yourhostname\r\n";
  helo_ = std::string(rest);
  phase_ = Phase::hello;
  return forward("250 " + config_.name + "\r\n");
}

std::string ReferenceSession::mail(std::string_view rest) {
  if (phase_ == Phase::ready) return "503 Error: need HELO command\r\n";
  if (phase_ == Phase::mail || phase_ == Phase::rcpt)
    return "503 5.5.1 Error: nested MAIL command\r\n";
  std::string_view address;
  if (!take_keyword(rest, "FROM", address) || address.empty()) {
    return "501 Syntax:  MAIL FROM: address\r\n";
  }
  if (!one_token(address)) return "504 5.5.2 <" + echo(address) + ">: Sender address rejected\r\n";
  sender_ = std::string(address);
  recipients_.clear();
  phase_ = Phase::mail;
  return forward("250 2.1.0 OK\r\n");
}

std::string ReferenceSession::rcpt(std::string_view rest) {
  if (phase_ == Phase::ready) return "503 Error: need HELO command\r\n";
  if (phase_ == Phase::hello) return "503 Error: need MAIL command\r\n";
  std::string_view address;
  if (!take_keyword(rest, "TO", address) || address.empty())
    return "501 Syntax:  RCPT TO: address\r\n";
  if (!one_token(address))
    return "504 5.5.2 <" + echo(address) + ">: Recipient address invalid\r\n";
  if (recipients_.size() >= config_.recipients_max)
    return "452 4.5.3 Error: too many recipients\r\n";
  recipients_.emplace_back(address);
  phase_ = Phase::rcpt;
  return forward("250 2.1.5 OK\r\n");
}

std::string ReferenceSession::data(std::string_view rest) {
  if (phase_ == Phase::ready) return "503 Error: need HELO command\r\n";
  if (phase_ == Phase::hello) return "503 Error: need MAIL command\r\n";
  if (phase_ == Phase::mail) return "503 Error: need RCPT command\r\n";
  if (!rest.empty()) return "501 Syntax:  DATA\r\n";
  phase_ = Phase::data;
  return forward("354 End data with <CR><LF>.<CR><LF>\r\n");
}

std::string ReferenceSession::message(const std::vector<std::string>& lines) {
  std::uint64_t wire_bytes = 0;
  std::string body;
  for (const std::string& line : lines) {
    wire_bytes += (line.starts_with('.') ? 1 : 0) + line.size() + 2;
    body += line + "\n";
  }
  phase_ = Phase::hello;
  if (wire_bytes > config_.message_bytes_max) {
    recipients_.clear();
    return counted(forward("552 5.3.4 Error: message too big\r\n"), false);
  }
  ++delivered_;
  mailbox_ += "Received: from " + helo_ + " by " + config_.name + " (CS4410MP3)\n";
  mailbox_ += "Number: " + std::to_string(delivered_) + "\n";
  mailbox_ += "From: " + sender_ + "\n";
  for (const std::string& recipient : recipients_) mailbox_ += "To: " + recipient + "\n";
  mailbox_ += "\n" + body + "\n";
  recipients_.clear();
  errors_ = junk_ = 0;
  return forward("250 OK: delivered message " + std::to_string(delivered_) + "\r\n");
}

std::string ReferenceSession::pause(std::int64_t ms) {
  elapsed_ms_ += ms;
  if (elapsed_ms_ < config_.timeout_ms) return "";
  phase_ = Phase::closed;
  return "421 4.4.2 " + config_.name + " Error: timeout exceeded\r\n";
}

void ReferenceSession::close() {
  phase_ = Phase::closed;
}

std::string ReferenceSession::reconnect() {
  phase_ = Phase::ready;
  helo_.clear();
  recipients_.clear();
  elapsed_ms_ = 0;
  errors_ = junk_ = 0;
  return greeting();
}

}  // namespace postable::testing
