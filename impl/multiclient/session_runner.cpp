#include "multiclient/session_runner.hpp"

#include <chrono>
#include <thread>

#include "peer/deviant.hpp"

namespace postable::multiclient {

namespace {

using Clock = peer::LineClient::Clock;
using peer::Fragmentation;

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
  config_.recipients_max = model::recipients_max;
  config_.error_limit = options.error_limit;
  config_.junk_limit = options.junk_limit;
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
  script_.emplace(rng_.between(0, 3), peer::ScriptStyle{0.3, 0.2});
  pipelined_ = rng_.chance(0.3);
  if (!check_replies(Clock::now())) return;
  replies_done_at_ = Clock::now();
  for (int steps = 0; steps < 400 && step(); ++steps) {
  }
}

bool SessionRunner::step() {
  if (mirror_->session().closed()) return expect_close();
  if (options_.timeouts && rng_.chance(0.01)) return idle_until_timeout();
  if (mirror_->mode() == Mode::data && rng_.chance(0.01)) return disconnect_in_data();
  if (mirror_->mode() == Mode::command &&
      rng_.chance(script_->messages_left() == 0 ? 0.3 : 0.005)) {
    wire_->close();  // some clients just hang up instead of saying QUIT
    mirror_->hang_up(now());
    return false;
  }
  std::string batch;
  const Instant at = now();
  do {  // a pipelining client sends every command up to the end of a message at once
    const std::string bytes = mirror_->mode() == Mode::data ? message_body() : next_command();
    mirror_->send(bytes, at);
    batch += bytes;
  } while (pipelined_ && mirror_->session().wants_input() && batch.size() < 64 * 1024);
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
  // A session the model closes part-way through the bytes (a 421 for too many errors) is
  // hung up on by the server while the rest may still be on its way: no mismatch.
  if (!wire_->send(bytes, how, rng_) && !mirror_->session().closed()) {
    return mismatch("the server closed while we were sending");
  }
  if (!check_replies(sent_at)) return false;
  replies_done_at_ = Clock::now();
  return true;
}

Clock::duration SessionRunner::patience() const {
  return std::chrono::duration_cast<Clock::duration>(config_.timeout) + std::chrono::seconds(5);
}

// Every reply the mirror owes must come from the server, in order, to the byte; so must the
// reply to each message the session finished.
bool SessionRunner::check_replies(Clock::time_point sent_at) {
  while (mirror_->owes() || mirror_->session().awaiting_delivery()) {
    if (!check_line(wire_->read_line(Clock::now() + patience()), sent_at)) return false;
  }
  return true;
}

// One reply read from the server against the mirror's: counted when it matches.
bool SessionRunner::check_line(const std::optional<std::string>& got, Clock::time_point sent_at) {
  if (!got) {
    if (!mirror_->owes()) return mismatch("expected the reply to a message, got nothing");
    return mismatch("expected `" + std::string(mirror_->next_owed()) + "`, got nothing");
  }
  // The server's clock restarted no earlier than when the message's end was sent, so that
  // instant makes the mirror's next deadline one the server cannot beat fairly.
  const peer::Heard heard = mirror_->hear(*got, Instant{sent_at.time_since_epoch()});
  if (heard.kind == peer::Heard::Kind::unexpected) {
    return mismatch("expected `" + std::string(heard.wanted) + "`, got `" + *got + "`");
  }
  if (heard.kind == peer::Heard::Kind::unasked) return mismatch("unasked: `" + *got + "`");
  if (heard.kind == peer::Heard::Kind::delivered && !check_delivery(heard)) return false;
  ++tally_.ops;
  ++tally_.replies[std::stoi(got->substr(0, 3))];
  tally_.latencies_ms.push_back(
      std::chrono::duration<double, std::milli>(Clock::now() - sent_at).count());
  return true;
}

// A stored message's number: rising on this connection, never given twice in the run.
bool SessionRunner::check_delivery(const peer::Heard& heard) {
  if (heard.number <= last_number_) {
    return mismatch("message number " + std::to_string(heard.number) + " after " +
                    std::to_string(last_number_) + " on the same connection");
  }
  std::string why;
  if (!stats_.claim_number(heard.number, mirror_->last_message(), why)) return mismatch(why);
  last_number_ = heard.number;
  return true;
}

// Says nothing, or trickles a line that never ends, until the server gives up: the 421
// must come no earlier than the deadline, and well under a second after it.
bool SessionRunner::idle_until_timeout() {
  const Instant deadline = *mirror_->session().deadline();
  if (mirror_->mode() == Mode::command && rng_.chance(0.5)) {
    const auto pause = std::chrono::milliseconds(200);
    while (now() + pause + pause < deadline) {  // a slow client: busy, but never done
      if (!wire_->send("N")) return mismatch("closed while trickling");
      mirror_->send("N", now());
      std::this_thread::sleep_for(pause);
    }
  }
  const auto patience = std::chrono::seconds(3);
  const std::optional<std::string> got = wire_->read_line(
      Clock::time_point(std::chrono::duration_cast<Clock::duration>(deadline.since_origin)) +
      patience);
  const Instant arrived = now();
  mirror_->time_out(deadline);
  if (!got) return mismatch("expected a timeout, got nothing");
  const peer::Heard heard = mirror_->hear(*got, arrived);
  if (heard.kind != peer::Heard::Kind::expected)
    return mismatch("expected `" + std::string(heard.wanted) + "`, got `" + *got + "`");
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
  wire_->send(part);
  wire_->close();
  mirror_->send(part, now());
  mirror_->hang_up(now());  // nothing of this message may be stored
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

// The next verb from the table's forward path, in varied spelling and spacing.
std::string SessionRunner::correct_command() {
  const auto pick = [this](const auto& list) {
    return std::string(list[rng_.below(std::size(list))]);
  };
  const peer::ScriptedVerb step = script_->next(mirror_->state(), rng_);
  const model::VerbInfo& verb = model::verbs[std::size_t(step.verb)];
  switch (verb.arg) {
    case ArgClass::host:
      return decorate(std::string(verb.name), pick(hosts));
    case ArgClass::from:
      return decorate(std::string(verb.name),
                      "FROM:" + std::string(rng_.chance(0.5) ? " " : "") + pick(addresses));
    case ArgClass::to:
      return decorate(std::string(verb.name), "TO: " + pick(addresses));
    case ArgClass::none:
    case ArgClass::any:
      break;
  }
  return decorate(std::string(verb.name), "");
}

// A deviant line from the shared list, now and then a burst of recipients past the limit.
std::string SessionRunner::deviant_command() {
  std::string out;
  if (rng_.chance(0.05))
    peer::append_recipient_burst(out);
  else
    peer::append_deviant_line(out, rng_);
  return out;
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
