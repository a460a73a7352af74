// Model-based protocol checking: random command sequences (commands, messages, pauses,
// timeouts, disconnects) go to the real Session through the harness and to the
// hand-written ReferenceSession; every reply and the mailbox must agree at every step.
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>
#include <rapidcheck/state.h>

#include "property/reference_session.hpp"
#include "support/harness.hpp"
#include "support/transcript.hpp"

namespace {

using postable::SessionConfig;
using postable::testing::Harness;
using postable::testing::printable;
using Model = postable::testing::ReferenceSession;

struct Sut {
  explicit Sut(const SessionConfig& config) : harness(config) {}
  std::string new_replies() {
    std::string fresh = harness.replies().substr(read);
    read = harness.replies().size();
    return fresh;
  }
  Harness harness;
  std::size_t read = 0;
};

using Command = rc::state::Command<Model, Sut>;

rc::Gen<std::string> gen_blanks(int min) {
  return rc::gen::map(
      rc::gen::container<std::string>(rc::gen::element(' ', '\t')),
      [min](std::string s) { return std::string(std::size_t(min), ' ') + s.substr(0, 3); });
}

rc::Gen<std::string> gen_cased(std::string word) {
  return rc::gen::map(
      rc::gen::container<std::vector<bool>>(word.size(), rc::gen::arbitrary<bool>()),
      [word](const std::vector<bool>& lower) {
        std::string out = word;
        for (std::size_t i = 0; i < out.size(); ++i) {
          if (lower[i]) out[i] = char(std::tolower(static_cast<unsigned char>(out[i])));
        }
        return out;
      });
}

rc::Gen<std::string> gen_address() {
  return rc::gen::element<std::string>("x@y", "<a.b@c>", "two words", "",
                                       "ctl\x01"
                                       "byte",
                                       "tab\there");
}

rc::Gen<std::string> gen_keyword_arg(std::string keyword) {
  return rc::gen::apply(
      [](std::string key, std::string before, std::string after, std::string address, bool colon) {
        return key + before + (colon ? ":" : "") + after + address;
      },
      gen_cased(keyword), gen_blanks(0), gen_blanks(0), gen_address(),
      rc::gen::weightedElement<bool>({{9, true}, {1, false}}));
}

rc::Gen<std::string> gen_argument() {
  return rc::gen::oneOf(
      rc::gen::element<std::string>("", "", "h.example", "two hosts", "bad\x02host", "FROM x@y"),
      gen_keyword_arg("FROM"), gen_keyword_arg("TO"));
}

// A well-formed step of the transaction, so that sequences get deep (many recipients,
// messages, limits) as well as wide.
rc::Gen<std::string> gen_good_line() {
  return rc::gen::apply(
      [](std::string lead, std::pair<std::string, std::string> step) {
        return lead + step.first + step.second;
      },
      gen_blanks(0),
      rc::gen::mapcat(rc::gen::elementOf(
                          std::vector<std::pair<std::string, std::string>>{{"HELO", " h"},
                                                                           {"MAIL", " FROM: a@b"},
                                                                           {"RCPT", " TO: r@s"},
                                                                           {"RCPT", " to:<q@r>"},
                                                                           {"RCPT", " TO: r@s"},
                                                                           {"DATA", ""}}),
                      [](std::pair<std::string, std::string> step) {
                        return rc::gen::map(gen_cased(step.first), [step](std::string verb) {
                          return std::make_pair(verb, step.second);
                        });
                      }));
}

rc::Gen<std::string> gen_wild_line() {
  return rc::gen::apply(
      [](std::string lead, std::string verb, std::string gap, std::string arg, std::string trail) {
        return lead + verb + (arg.empty() ? "" : gap + arg) + trail;
      },
      gen_blanks(0),
      rc::gen::oneOf(rc::gen::mapcat(rc::gen::element<std::string>("HELO", "EHLO", "MAIL", "RCPT",
                                                                   "DATA", "NOOP", "RSET", "QUIT"),
                                     gen_cased),
                     rc::gen::element<std::string>("HELP", "mkdir", "", "MAILFROM:", "HELO:")),
      gen_blanks(1), gen_argument(), gen_blanks(0));
}

rc::Gen<std::string> gen_command_line() {
  return rc::gen::weightedOneOf<std::string>({{3, gen_good_line()}, {1, gen_wild_line()}});
}

struct SendCommand : Command {
  std::string line = *gen_command_line();
  void checkPreconditions(const Model& model) const override {
    RC_PRE(!model.closed() && !model.in_data());
  }
  void apply(Model& model) const override { model.command(line); }
  void run(const Model& model, Sut& sut) const override {
    Model expected = model;
    const std::string reply = expected.command(line);
    sut.harness.feed(line + "\r\n");
    RC_ASSERT(sut.new_replies() == reply);
    RC_ASSERT(sut.harness.session().closed() == expected.closed());
  }
  void show(std::ostream& os) const override { os << "C: " << printable(line); }
};

// A run of NOOPs or RSETs, pipelined: enough of them to pass the junk limit.
struct SendJunk : Command {
  std::string line = *rc::gen::element<std::string>("NOOP", "RSET");
  int count = *rc::gen::inRange(1, 5);
  void checkPreconditions(const Model& model) const override {
    RC_PRE(!model.closed() && !model.in_data());
  }
  void apply(Model& model) const override {
    for (int i = 0; i < count && !model.closed(); ++i) model.command(line);
  }
  void run(const Model& model, Sut& sut) const override {
    Model expected = model;
    std::string reply;
    for (int i = 0; i < count && !expected.closed(); ++i) reply += expected.command(line);
    std::string wire;
    for (int i = 0; i < count; ++i) wire += line + "\r\n";
    sut.harness.feed(wire);
    RC_ASSERT(sut.new_replies() == reply);
    RC_ASSERT(sut.harness.session().closed() == expected.closed());
  }
  void show(std::ostream& os) const override { os << "C" << count << ": " << line; }
};

// A whole transaction at once, pipelined: deliveries then come often enough for what they
// clear (the error counts) to be seen.
// Up to five recipients: past the reference's three, its limit is met too.
struct SendTransaction : Command {
  int recipients = *rc::gen::inRange(1, 6);
  void checkPreconditions(const Model& model) const override {
    RC_PRE(!model.closed() && !model.in_data());
  }
  std::string play(Model& model, std::string& wire) const {
    std::vector<std::string> lines{"MAIL FROM:a@b"};
    lines.insert(lines.end(), std::size_t(recipients), "RCPT TO:c@d");
    lines.push_back("DATA");
    std::string replies;
    for (const std::string& line : lines) {
      if (model.closed() || model.in_data()) break;
      replies += model.command(line);
      wire += line + "\r\n";
    }
    if (model.in_data()) {
      replies += model.message({"body"});
      wire += "body\r\n.\r\n";
    }
    return replies;
  }
  void apply(Model& model) const override {
    std::string wire;
    play(model, wire);
  }
  void run(const Model& model, Sut& sut) const override {
    Model expected = model;
    std::string wire;
    const std::string reply = play(expected, wire);
    sut.harness.feed(wire);
    RC_ASSERT(sut.new_replies() == reply);
    RC_ASSERT(sut.harness.session().closed() == expected.closed());
  }
  void show(std::ostream& os) const override {
    os << "C: MAIL, " << recipients << " RCPT, DATA, a message";
  }
};

struct SendMessage : Command {
  std::vector<std::string> lines = *rc::gen::container<std::vector<std::string>>(
      rc::gen::oneOf(rc::gen::element<std::string>(".", "..", ".x", "", "text"),
                     rc::gen::container<std::string>(rc::gen::inRange<char>(0x20, 0x7f))));
  void checkPreconditions(const Model& model) const override { RC_PRE(model.in_data()); }
  void apply(Model& model) const override { model.message(lines); }
  void run(const Model& model, Sut& sut) const override {
    Model expected = model;
    const std::string reply = expected.message(lines);
    std::string wire;
    for (const std::string& line : lines)
      wire += (line.starts_with('.') ? "." : "") + line + "\r\n";
    sut.harness.feed(wire + ".\r\n");
    RC_ASSERT(sut.new_replies() == reply);
    RC_ASSERT(sut.harness.mailbox() == expected.mailbox());
  }
  void show(std::ostream& os) const override { os << "message of " << lines.size() << " lines"; }
};

struct Pause : Command {
  std::int64_t ms = *rc::gen::inRange<std::int64_t>(0, 10000);
  void checkPreconditions(const Model& model) const override {
    RC_PRE(!model.closed() && ms < model.ms_left());
  }
  void apply(Model& model) const override { model.pause(ms); }
  void run(const Model&, Sut& sut) const override {
    sut.harness.advance(std::chrono::milliseconds(ms));
    RC_ASSERT(sut.new_replies().empty());
    RC_ASSERT(!sut.harness.session().closed());
  }
  void show(std::ostream& os) const override { os << "T: +" << ms << "ms"; }
};

struct WaitForTimeout : Command {
  void checkPreconditions(const Model& model) const override { RC_PRE(!model.closed()); }
  void apply(Model& model) const override { model.pause(model.ms_left()); }
  void run(const Model& model, Sut& sut) const override {
    Model expected = model;
    const std::string reply = expected.pause(model.ms_left());
    sut.harness.advance(std::chrono::milliseconds(model.ms_left()));
    RC_ASSERT(sut.new_replies() == reply);
    RC_ASSERT(sut.harness.session().closed());
  }
  void show(std::ostream& os) const override { os << "T: until the deadline"; }
};

struct Disconnect : Command {
  void checkPreconditions(const Model& model) const override { RC_PRE(!model.closed()); }
  void apply(Model& model) const override { model.close(); }
  void run(const Model& model, Sut& sut) const override {
    sut.harness.eof();
    RC_ASSERT(sut.new_replies().empty());
    RC_ASSERT(sut.harness.session().closed());
    RC_ASSERT(sut.harness.mailbox() == model.mailbox());
  }
  void show(std::ostream& os) const override { os << "E:"; }
};

struct Reconnect : Command {
  void checkPreconditions(const Model& model) const override { RC_PRE(model.closed()); }
  void apply(Model& model) const override { model.reconnect(); }
  void run(const Model& model, Sut& sut) const override {
    Model expected = model;
    const std::string greeting = expected.reconnect();
    sut.harness.new_connection();
    RC_ASSERT(sut.new_replies() == greeting);
  }
  void show(std::ostream& os) const override { os << "N:"; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(protocol)

RC_BOOST_PROP(session_answers_as_the_reference_reading_of_the_spec, ()) {
  Model::Config reference_config;
  reference_config.strict = *rc::gen::weightedElement<bool>({{4, false}, {1, true}});
  // Limits small enough for a run to reach them (0: no error limit).
  reference_config.error_limit =
      *rc::gen::weightedElement<std::uint64_t>({{1, 0}, {2, 2}, {3, 5}, {1, 20}});
  reference_config.junk_limit = *rc::gen::inRange<std::uint64_t>(0, 4);
  SessionConfig config;
  config.error_limit = reference_config.error_limit;
  config.junk_limit = reference_config.junk_limit;
  config.strict = reference_config.strict;
  config.recipients_max = reference_config.recipients_max;
  config.message_bytes_max = reference_config.message_bytes_max;
  config.timeout = std::chrono::milliseconds(reference_config.timeout_ms);
  Model model(reference_config);
  Sut sut(config);
  RC_ASSERT(sut.new_replies() == model.greeting());
  rc::state::check(
      model, sut,
      rc::state::gen::execOneOfWithArgs<
          SendCommand, SendCommand, SendCommand, SendCommand, SendCommand, SendCommand,
          SendTransaction, SendJunk, SendMessage, Pause, WaitForTimeout, Disconnect, Reconnect>());
}

BOOST_AUTO_TEST_SUITE_END()
