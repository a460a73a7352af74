#include "session_runner.hpp"

#include <chrono>
#include <thread>

#include "reply.hpp"
#include "table.hpp"

namespace postable::multiclient {

namespace {

using Clock = Wire::Clock;

Instant now() {
  return Instant{Clock::now().time_since_epoch()};
}

const char* const hosts[] = {"client", "mx.example.org", "[127.0.0.1]", "a", "h-1.local"};
const char* const addresses[] = {
    "student@CS4410",    "<TA@CS4410>", "a@b",
    "x.y+z@example.org", "<>",          "very.long.name.of.someone@sub.domain.example"};

}  // namespace

SessionRunner::SessionRunner(const Options& options, Stats& stats, Tally& tally, Rng& rng,
                             std::uint64_t& last_number)
    : options_(options), stats_(stats), tally_(tally), rng_(rng), last_number_(last_number) {
  config_.name = options.name;
  config_.strict = options.strict;
  config_.message_bytes_max = options.max_size;
  config_.timeout = std::chrono::nanoseconds(std::int64_t(options.server_timeout_seconds * 1e9));
}

bool SessionRunner::mismatch(const std::string& what) {
  tally_.mismatches.push_back({what, wire_ ? wire_->transcript() : std::string()});
  return false;
}

void SessionRunner::run() {
  // The server cannot start its clock before we ask to connect; a mirror started later
  // could see a fair timeout as early when this thread is slow to be scheduled.
  const Instant connecting_at = now();
  try {
    wire_.emplace(options_.host, options_.port);
  } catch (const std::exception& error) {
    mismatch(error.what());
    return;
  }
  ++tally_.sessions;
  mirror_.emplace(config_, connecting_at, [this](const model::Row& row) {
    tally_.rows.insert(std::size_t(&row - model::rows.data()));
    if (row.has_reply) tally_.reply_kinds.insert(std::size_t(row.reply));
  });
  messages_left_ = int(rng_.between(0, 3));
  pipelined_ = rng_.chance(0.3);
  if (!check_replies(Clock::now())) return;
  replies_done_at_ = Clock::now();
  for (int steps = 0; steps < 400 && step(); ++steps) {
  }
}

bool SessionRunner::step() {
  if (mirror_->closed()) return expect_close();
  if (options_.timeouts && rng_.chance(0.01)) return idle_until_timeout();
  if (mirror_->mode() == Mode::data && rng_.chance(0.01)) return disconnect_in_data();
  if (mirror_->mode() == Mode::command && rng_.chance(messages_left_ == 0 ? 0.3 : 0.005)) {
    wire_->close();  // some clients just hang up instead of saying QUIT
    mirror_->on_eof(now());
    return false;
  }
  std::string batch;
  const Instant at = now();
  do {  // a pipelining client sends every command up to the end of a message at once
    const std::string bytes = mirror_->mode() == Mode::data ? message_body() : next_command();
    mirror_->feed(bytes, at);
    batch += bytes;
  } while (pipelined_ && mirror_->wants_input() && batch.size() < 64 * 1024);
  return send_and_check(batch);
}

bool SessionRunner::send_and_check(const std::string& bytes) {
  Fragmentation how = Fragmentation::whole;
  const double draw = rng_.unit();
  if (draw < 0.05 && bytes.size() < 512)
    how = Fragmentation::byte_by_byte;
  else if (draw < 0.3)
    how = Fragmentation::random_splits;
  const auto sent_at = Clock::now();
  if (!wire_->send(bytes, how, rng_)) return mismatch("the server closed while we were sending");
  if (!check_replies(sent_at)) return false;
  while (mirror_->awaiting_delivery()) {
    if (!check_delivery(sent_at) || !check_replies(sent_at)) return false;
  }
  replies_done_at_ = Clock::now();
  return true;
}

// Every reply the mirror gave must come from the server, in order, to the byte.
Wire::Clock::duration SessionRunner::patience() const {
  return std::chrono::duration_cast<Clock::duration>(config_.timeout) + std::chrono::seconds(5);
}

// One reply read from the server against the model's: counted when it matches.
bool SessionRunner::matched(const std::string& expected, const std::optional<std::string>& got,
                            Clock::time_point sent_at) {
  if (!got) return mismatch("expected `" + expected + "`, got nothing");
  if (*got != expected) return mismatch("expected `" + expected + "`, got `" + *got + "`");
  ++tally_.ops;
  ++tally_.replies[std::stoi(expected.substr(0, 3))];
  tally_.latencies_ms.push_back(
      std::chrono::duration<double, std::milli>(Clock::now() - sent_at).count());
  return true;
}

// Every reply the mirror gave must come from the server, in order, to the byte.
bool SessionRunner::check_replies(Clock::time_point sent_at) {
  for (const std::string& line : reply_lines(mirror_->take_output())) expected_.push_back(line);
  while (!expected_.empty()) {
    const std::string expected = std::move(expected_.front());
    expected_.pop_front();
    if (!matched(expected, wire_->read_line(Clock::now() + patience()), sent_at)) return false;
  }
  return true;
}

// The reply to a message: stored with a number the server chose, or refused by its store.
// The mirror is told which, then must agree; what follows it is left for check_replies.
bool SessionRunner::check_delivery(Clock::time_point sent_at) {
  const std::optional<Envelope> envelope = mirror_->take_delivery();
  const std::optional<std::string> got = wire_->read_line(Clock::now() + patience());
  if (!got) return mismatch("expected the reply to a message, got nothing");
  const std::optional<std::uint64_t> number = delivered_number(*got, options_.name);
  if (number) {
    std::string why;
    if (*number <= last_number_) {
      return mismatch("message number " + std::to_string(*number) + " after " +
                      std::to_string(last_number_) + " on the same connection");
    }
    if (!stats_.claim_number(*number, *envelope, why)) return mismatch(why);
    last_number_ = *number;
    // The server's clock restarted no earlier than when the message's end was sent, so that
    // instant makes the mirror's next deadline one the server cannot beat fairly.
    mirror_->on_delivered(*number, Instant{sent_at.time_since_epoch()});
  } else {
    mirror_->on_delivery_failed(Instant{sent_at.time_since_epoch()});
  }
  for (const std::string& line : reply_lines(mirror_->take_output())) expected_.push_back(line);
  const std::string expected = std::move(expected_.front());
  expected_.pop_front();
  return matched(expected, got, sent_at);
}

// Says nothing, or trickles a line that never ends, until the server gives up: the 421
// must come no earlier than the deadline, and well under a second after it.
bool SessionRunner::idle_until_timeout() {
  const Instant deadline = *mirror_->deadline();
  if (mirror_->mode() == Mode::command && rng_.chance(0.5)) {
    const auto pause = std::chrono::milliseconds(200);
    while (now() + pause + pause < deadline) {  // a slow client: busy, but never done
      if (!wire_->send("N", Fragmentation::whole, rng_)) return mismatch("closed while trickling");
      mirror_->feed("N", now());
      std::this_thread::sleep_for(pause);
    }
  }
  const auto patience = std::chrono::seconds(3);
  const std::optional<std::string> got = wire_->read_line(
      Clock::time_point(std::chrono::duration_cast<Clock::duration>(deadline.since_origin)) +
      patience);
  const Instant arrived = now();
  mirror_->on_timeout(deadline);
  const std::string expected = mirror_->take_output();
  if (!got) return mismatch("expected a timeout, got nothing");
  if (*got + "\r\n" != expected) return mismatch("expected `" + expected + "`, got `" + *got + "`");
  if (arrived < deadline) return mismatch("timed out before the deadline");
  // The server's clock started before its last reply reached us: late is later than that.
  const Instant latest = Instant{replies_done_at_.time_since_epoch()} + config_.timeout;
  if (arrived > latest + std::chrono::seconds(1)) {
    return mismatch("timed out more than a second after the deadline");
  }
  ++tally_.ops;
  ++tally_.replies[421];
  return expect_close();
}

bool SessionRunner::disconnect_in_data() {
  const std::string part = "half of a message\r\nthat never ends";
  wire_->send(part, Fragmentation::whole, rng_);
  wire_->close();
  mirror_->feed(part, now());
  mirror_->on_eof(now());  // nothing of this message may be stored
  return false;
}

bool SessionRunner::expect_close() {
  if (!wire_->closed_by_server(Clock::now() + std::chrono::seconds(5))) {
    mismatch("the session ended but the server did not close the connection");
  }
  return false;
}

std::string SessionRunner::decorate(const std::string& verb, const std::string& rest) {
  std::string out = verb;
  if (rng_.chance(0.2)) {
    for (char& c : out) c = char(rng_.chance(0.5) ? std::tolower(c) : c);
  }
  if (!rest.empty()) out += rng_.chance(0.1) ? " \t " : " ";
  out += rest;
  if (rng_.chance(0.1)) out += "  ";
  return (rng_.chance(0.05) ? "\t" : "") + out + (rng_.chance(0.05) ? "\n" : "\r\n");
}

std::string SessionRunner::next_command() {
  return rng_.chance(options_.deviate) ? deviant_command() : correct_command();
}

std::string SessionRunner::correct_command() {
  const auto pick = [this](const auto& list) {
    return std::string(list[rng_.below(std::size(list))]);
  };
  switch (mirror_->state()) {
    case model::State::READY:
      return decorate(rng_.chance(0.8) ? "HELO" : "EHLO", pick(hosts));
    case model::State::HELLO:
      if (messages_left_ == 0) return decorate("QUIT", "");
      --messages_left_;
      return decorate("MAIL", "FROM:" + std::string(rng_.chance(0.5) ? " " : "") + pick(addresses));
    case model::State::MAIL:
      return decorate("RCPT", "TO: " + pick(addresses));
    default:
      return rng_.chance(0.3) ? decorate("RCPT", "TO: " + pick(addresses)) : decorate("DATA", "");
  }
}

std::string SessionRunner::deviant_command() {
  switch (rng_.below(19)) {
    case 18:
      return decorate("HELO", "again.example");  // a duplicate, if HELO was said
    case 0:
      return decorate("HELO", "");
    case 1:
      return decorate("HELO", "two hosts");
    case 2:
      return decorate("EHLO", rng_.chance(0.5) ? "again" : "");
    case 3:
      return decorate("MAIL", rng_.chance(0.5) ? "FROM:" : "TO: x@y");
    case 4:
      return decorate("MAIL", "FROM: bad address");
    case 5:
      return decorate("RCPT", rng_.chance(0.5) ? "TO:" : "FROM: x@y");
    case 6:
      return decorate("RCPT",
                      "TO: bad\x01"
                      "address");
    case 7:
      return decorate("DATA", rng_.chance(0.5) ? "now" : "");
    case 8:
      return decorate("NOOP", rng_.chance(0.5) ? "anything" : "");
    case 9:
      return decorate("RSET", rng_.chance(0.8) ? "" : "all");
    case 10:
      return decorate("QUIT", "now");
    case 11:
      return decorate(rng_.chance(0.5) ? "mkdir" : "HELP", "");
    case 12:
      return "\r\n";
    case 13:
      return "NOOP " + std::string(rng_.between(996, 1400), 'x') + "\r\n";
    case 14:
      return decorate("MAIL", "FROM: a@b");  // perhaps nested
    case 15:
      return decorate("RCPT", "TO: a@b");  // perhaps out of order
    case 16: {  // a burst of recipients, past the limit when the transaction is open
      std::string burst;
      for (std::size_t i = 0; i <= model::recipients_max; ++i) burst += "RCPT TO: r@h\r\n";
      return burst;
    }
    default:
      return decorate("QUIT", "");
  }
}

std::string SessionRunner::message_body() {
  std::string body;
  const bool large = rng_.chance(0.02);
  const std::uint64_t lines = large ? rng_.between(500, 2000) : rng_.between(0, 12);
  for (std::uint64_t i = 0; i < lines; ++i) {
    std::string line;
    switch (rng_.below(8)) {
      case 0:
        line = "";
        break;
      case 1:
        line = ".";
        break;
      case 2:
        line = ".leading dot";
        break;
      case 3:
        line = std::string(rng_.between(100, 3000), 'L');
        break;
      default:
        for (std::uint64_t c = rng_.between(1, 80); c > 0; --c)
          line += char(rng_.between(0x20, 0x7e));
    }
    body += (line.starts_with('.') ? "." : "") + line + "\r\n";
  }
  // Now and then one byte over the server's limit: often when the limit is small, rarely
  // when each costs megabytes.
  if (rng_.chance(options_.max_size < (1 << 20) ? 0.05 : 0.0003)) {
    body += std::string(options_.max_size, 'z') + "\r\n";
  }
  return body + ".\r\n";
}

}  // namespace postable::multiclient
