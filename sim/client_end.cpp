#include "sim/client_end.hpp"

#include "core/reply.hpp"
#include "sim/connection.hpp"

namespace postable::sim {

namespace {

// The reply's code, or 0 when the line does not start with three digits.
int reply_code(std::string_view line) {
  if (line.size() < 3) return 0;
  int code = 0;
  for (const char digit : line.substr(0, 3)) {
    if (digit < '0' || digit > '9') return 0;
    code = code * 10 + (digit - '0');
  }
  return code;
}

}  // namespace

ClientEnd::ClientEnd(Context context) : context_(std::move(context)) {
  timeout_line_ = render_reply(model::Reply::timeout, {context_.config.name, {}, 0});
  timeout_line_.resize(timeout_line_.size() - 2);  // less the CRLF
  shutdown_line_ = render_reply(model::Reply::shutting_down, {context_.config.name, {}, 0});
  shutdown_line_.resize(shutdown_line_.size() - 2);
}

// Reply lines are read straight from the packet; only a line cut by the packet's end waits
// in `received` for the rest.
void ClientEnd::receive(Connection& c, std::string_view bytes, bool eof) {
  if (c.client_closed) return;
  Oracle& oracle = context_.oracle;
  std::string_view rest = bytes;
  if (!c.received.empty()) {
    c.received += bytes;
    rest = c.received;
  }
  for (std::size_t end; (end = rest.find("\r\n")) != std::string_view::npos && !oracle.failed();) {
    hear(c, rest.substr(0, end));
    rest.remove_prefix(end + 2);
  }
  if (oracle.failed()) return;
  c.received.assign(rest);  // may overlap: assign copes with its own contents
  if (eof) {
    const peer::Mirror& mirror = c.client->mirror();
    if (c.crashed || c.stopped) {  // the server died or stopped: replies still due never come
      c.client_closed = true;
      return context_.finished(c);
    }
    if (c.reset) return reset(c);
    if (mirror.owes() || !(mirror.session().closed() || c.timed_out)) {
      return oracle.fail("the server closed the connection while replies were still due", c.id);
    }
    c.client_closed = true;
    return context_.finished(c);
  }
  act(c);
}

// One reply line reaches the client: it must be what the client's mirror of the model said.
void ClientEnd::hear(Connection& c, std::string_view line) {
  Client& client = *c.client;
  peer::Mirror& mirror = client.mirror();
  if (client.transcribing) client.transcript.append("S: ").append(line).append("\n");
  ++reply_counts_[std::size_t(reply_code(line))];
  const Instant now = context_.agenda.now();
  context_.summary.latency.add(std::uint64_t((now - c.batch_sent).count() / 1000));
  if (line == timeout_line_ && (!mirror.owes() || mirror.next_owed() != line)) {
    return timed_out(c);
  }
  if (line == shutdown_line_ && c.stopped) return told_to_stop(c);
  const peer::Heard heard = mirror.hear(line, Instant{});  // `line` stays valid: not its buffer
  switch (heard.kind) {
    case peer::Heard::Kind::expected:
      return;
    case peer::Heard::Kind::unexpected:
      return context_.oracle.fail(
          "expected `" + std::string(heard.wanted) + "`, got `" + std::string(line) + "`", c.id);
    case peer::Heard::Kind::delivered:
      return context_.oracle.acknowledged(heard.number, mirror.last_message(), context_.config.name,
                                          c.id);
    case peer::Heard::Kind::refused:
      if (context_.oracle.refusal_excused(c.id)) return;  // a failed sync took it back
      return context_.oracle.fail("expected a message number, got `" + std::string(line) + "`",
                                  c.id);
    case peer::Heard::Kind::unasked:
      return context_.oracle.fail("a reply nobody asked for: `" + std::string(line) + "`", c.id);
  }
}

// The server gave up on the client: fair unless early. When every reply the client waited
// for has come, the server had all its bytes, so its clock started no earlier than the last
// forward step the client sent. Otherwise bytes may still have been on their way (a slow
// network, a short timeout): then only the steps answered before the last batch count.
void ClientEnd::timed_out(Connection& c) {
  Client& client = *c.client;
  peer::Mirror& mirror = client.mirror();
  const bool all_answered = !mirror.owes() && mirror.session().wants_input();
  const Instant since = all_answered ? client.last_forward : client.confirmed_forward;
  if (context_.agenda.now() < since + context_.config.timeout) {
    context_.oracle.fail("the client was timed out before its deadline", c.id);
  }
  // In the middle of a message the server never had whole, the mirror waits for its end.
  if (!mirror.session().wants_input()) c.timed_out = true;
  mirror.heard_timeout(mirror.session().deadline().value_or(Instant{}));
}

// The server stopped and told the client so: it sends nothing more, and what it still waited
// for never comes (the server checks when the 421 may come: World::check_told_at_stop).
void ClientEnd::told_to_stop(Connection& c) {
  c.told_to_stop = true;
  c.client->mirror().forget_owed();
}

void ClientEnd::reset(Connection& c) {
  if (c.client_closed) return;
  c.client_closed = true;
  peer::Mirror& mirror = c.client->mirror();
  mirror.forget_owed();
  context_.oracle.excuse(c.id, mirror.last_sent(), context_.config.name);
  context_.finished(c);
}

void ClientEnd::act(Connection& c) {
  if (c.client->mirror().owes() || c.client_closed || c.told_to_stop) return;
  const Batch* batch = c.client->next(context_.agenda.now());
  if (batch == nullptr) return;
  c.batch_sent = context_.agenda.now();
  if (c.client->transcribing) {
    c.client->transcript.append("C: ").append(batch->bytes, 0, 200).append("\n");
  }
  context_.network.send_fragmented(c, batch->bytes, batch->bytewise);
  if (batch->then_close) {
    context_.network.send(c, Kind::to_server, {}, true);
    c.client_closed = true;
    c.client->mirror().forget_owed();
    // The server is gone already (it died, or closed while these bytes were on their way):
    // so is `c`, now.
    if (c.crashed || c.server_closed) context_.finished(c);
  }
}

}  // namespace postable::sim
