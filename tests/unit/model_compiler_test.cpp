// The model compiler must refuse every broken model with a `line: message` diagnostic and
// emit nothing. Three sources of broken models: every single meaningful line of the real
// model deleted in turn; targeted edits of the real model, one per check; and the small
// models in tests/models, whose `# expect: LINE: TEXT` lines say what must be reported.
#define BOOST_TEST_MODULE model_compiler
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/compiler/check.hpp"
#include "model/compiler/emit.hpp"
#include "model/compiler/parse.hpp"

namespace {

using namespace postable::modelc;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string& real_model() {
  static const std::string text = read(POSTABLE_SOURCE_DIR "/model/smtp.model");
  return text;
}

Diagnostics compile(const std::string& text) {
  Diagnostics diagnostics;
  Model model = parse_model(text, diagnostics);
  if (diagnostics.empty()) {
    auto table = check_model(model, diagnostics);
    BOOST_TEST((table.has_value() == diagnostics.empty()));
  }
  return diagnostics;
}

std::string show(const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += std::to_string(d.line) + ": " + d.message + "\n";
  return out.empty() ? "(no diagnostics)\n" : out;
}

bool meaningful(const std::string& line) {
  const std::size_t first = line.find_first_not_of(" \t\r");
  return first != std::string::npos && line[first] != '#';
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_real_model_is_sound) {
  const Diagnostics diagnostics = compile(real_model());
  BOOST_TEST(diagnostics.empty(), show(diagnostics));
}

BOOST_AUTO_TEST_CASE(deleting_any_meaningful_line_breaks_the_model) {
  std::vector<std::string> lines;
  std::istringstream in(real_model());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  int checked = 0;
  for (std::size_t skip = 0; skip < lines.size(); ++skip) {
    if (!meaningful(lines[skip])) continue;
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i != skip) text += lines[i] + "\n";
    }
    ++checked;
    BOOST_TEST(!compile(text).empty(),
               "still sound without line " << skip + 1 << ": " << lines[skip]);
  }
  BOOST_TEST(checked > 60);
}

struct Edit {
  const char* check;
  const char* find;  // must occur exactly once in the real model
  const char* replace;
  const char* expect;  // a diagnostic must contain this
};

const Edit edits[] = {
    {"determinism", "MAIL                   DATA      *", "MAIL,RCPT              DATA      *",
     "second row for RCPT DATA ok"},
    {"domain", "DATA                   data_end  too_big",
     "DATA,HELLO             data_end  too_big", "never receives data_end"},
    {"domain of outcomes", "HELLO                  MAIL      badarg",
     "HELLO                  NOOP      badarg", "never receives NOOP with outcome badarg"},
    {"reachability", "state STORING    store  ", "state STORING    store  \nstate LIMBO command\n",
     "state LIMBO is unreachable"},
    {"transaction order", "HELLO                  MAIL      ok       -> MAIL ",
     "HELLO                  MAIL      ok       -> RCPT ",
     "reaches DATA without an accepted HELO, MAIL and RCPT"},
    {"clock on an error", "READY                  HELO      syntax   -> =        keep",
     "READY                  HELO      syntax   -> =        restart",
     "restarts the clock but does not move the session forward"},
    {"clock on an aside verb", "READY,HELLO,MAIL,RCPT  NOOP      ok       -> =        keep",
     "READY,HELLO,MAIL,RCPT  NOOP      ok       -> =        restart", "restarts the clock"},
    {"clock on a step", "READY                  HELO      ok       -> HELLO    restart",
     "READY                  HELO      ok       -> HELLO    keep",
     "moves the session forward but keeps"},
    {"clock at the end of a message",
     "DATA                   data_end  too_big  -> HELLO    restart",
     "DATA                   data_end  too_big  -> HELLO    keep",
     "moves the session forward but keeps"},
    {"unused reply", "reply timeout", "reply spare 250 \"spare\"\nreply timeout",
     "reply `spare` is never used"},
    {"placeholder", "\"{name} SMTP CS4410MP3\"", "\"{name} SMTP {version}\"",
     "unknown placeholder `{version}`"},
    {"arg without argument", "\"Error: need RCPT command\"", "\"Error: need RCPT command {arg}\"",
     "uses {arg} but the input has no argument"},
    {"number without message", "\"2.1.0 OK\"", "\"2.1.0 OK {n}\"", "uses {n} but no message"},
    {"action needs its verb", "restart  set_sender  sender_ok", "restart  set_helo    sender_ok",
     "set_helo needs an accepted host verb"},
    {"deliver", "restart  deliver     -", "restart  -           -", "with action deliver"},
    {"close", "CLOSED   keep     close       bye", "CLOSED   keep     -           bye",
     "exactly the rows with action close"},
    {"errors keep the state", "MAIL,RCPT              MAIL      *        -> =  ",
     "MAIL,RCPT              MAIL      *        -> HELLO", "a 4xx/5xx reply must keep the state"},
    {"every command replies", "too_long  ok       -> =        keep     -           line_too_long",
     "too_long  ok       -> =        keep     -           -", "must reply"},
    {"unknown limit", "limit pool_threads ", "limit pool_thread ", "unknown limit `pool_thread`"},
    {"missing limit", "limit backup_every ", "# limit backup_every ",
     "missing limit `backup_every`"},
    {"limit range", "limit line_bytes_max      1000", "limit line_bytes_max      100000",
     "line_bytes_max must be within"},
    {"duplicate state", "state CLOSED", "state READY command\nstate CLOSED",
     "duplicate state `READY`"},
    {"one initial state", "state READY      command   ", "state READY      command  initial ",
     "exactly one state must be `initial`"},
    {"initial mode", "state CONNECTED  banner   initial", "state CONNECTED  command  initial",
     "the initial state must be of mode banner"},
    {"reply code", "reply bye             221", "reply bye             621", "not within 200..599"},
    {"unknown mode", "state DATA       data ", "state DATA       body ", "unknown mode `body`"},
    {"unknown state", "-> STORING", "-> STORED", "unknown state `STORED`"},
    {"unknown reply", "restart  reset       delivered", "restart  reset       delivered_ok",
     "unknown reply `delivered_ok`"},
    {"unknown input", "READY,HELLO,MAIL,RCPT  NOOP ", "READY,HELLO,MAIL,RCPT  NOP  ",
     "unknown input `NOP`"},
    {"verb case", "verb NOOP", "verb Noop", "verb name `Noop` must be UPPER_CASE"},
    {"unterminated string", "\"2.0.0 Bye\"", "\"2.0.0 Bye", "unterminated string"},
    {"shape of a row", "DATA                   data_end  ok       -> STORING",
     "DATA                   data_end  ok       => STORING",
     "expected a declaration or a transition"},
    {"shape of a limit", "limit recipients_max      100 ", "limit recipients_max      ",
     "expected `limit NAME VALUE`"},
    {"number", "limit timeout_seconds     10 ", "limit timeout_seconds     ten ", "whole number"},
};

BOOST_AUTO_TEST_CASE(every_check_rejects_its_broken_model) {
  for (const Edit& edit : edits) {
    BOOST_TEST_CONTEXT("check: " << edit.check) {
      const std::string& text = real_model();
      const std::size_t at = text.find(edit.find);
      BOOST_REQUIRE_MESSAGE(at != std::string::npos, "edit target not found: " << edit.find);
      BOOST_REQUIRE_MESSAGE(text.find(edit.find, at + 1) == std::string::npos,
                            "edit target not unique: " << edit.find);
      std::string broken = text;
      broken.replace(at, std::string(edit.find).size(), edit.replace);
      const Diagnostics diagnostics = compile(broken);
      BOOST_TEST(!diagnostics.empty());
      BOOST_TEST(show(diagnostics).find(edit.expect) != std::string::npos,
                 "expected a diagnostic containing `" << edit.expect << "`, got:\n"
                                                      << show(diagnostics));
    }
  }
}

// tests/models/*.model: each names the diagnostics it must produce.
BOOST_AUTO_TEST_CASE(small_models_report_what_they_expect) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(POSTABLE_TEST_MODELS_DIR)) {
    if (entry.path().extension() != ".model") continue;
    ++files;
    const std::string text = read(entry.path().string());
    const std::string shown = show(compile(text));
    std::istringstream in(text);
    int expectations = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("# expect: ", 0) != 0) continue;
      ++expectations;
      const std::string expected = line.substr(10);
      BOOST_TEST(shown.find(expected) != std::string::npos,
                 entry.path().filename() << ": expected `" << expected << "`, got:\n"
                                         << shown);
    }
    if (expectations == 0)
      BOOST_TEST(shown == "(no diagnostics)\n", entry.path().filename() << shown);
  }
  BOOST_TEST(files >= 3);
}

namespace {

std::string header_of(const std::string& text) {
  Diagnostics diagnostics;
  const Model model = parse_model(text, diagnostics);
  const auto table = check_model(model, diagnostics);
  BOOST_REQUIRE_MESSAGE(table.has_value(), show(diagnostics));
  return emit_header(model, *table, "smtp.model");
}

// The `enum class Input` line of a header: every input with its explicit id.
std::string input_ids(const std::string& header) {
  const std::size_t start = header.find("enum class Input");
  return header.substr(start, header.find("};", start) - start);
}

}  // namespace

// llhttp's lesson: ids never move when a line is added. A verb declared last (with the
// rows that answer it) numbers after every input the table had.
BOOST_AUTO_TEST_CASE(a_new_verb_moves_no_input_id) {
  const std::string before = input_ids(header_of(real_model()));
  std::string text = real_model();
  text.insert(text.find("\n", text.find("verb QUIT")) + 1, "verb VRFY  any   extension  aside\n");
  text += "READY,HELLO,MAIL,RCPT  VRFY      ok       -> =        keep     -           ok\n";
  const std::string after = input_ids(header_of(text));
  BOOST_TEST(before.find("greet = 0,") != std::string::npos, before);
  BOOST_TEST(before.find("HELO = 9,") != std::string::npos, before);
  BOOST_TEST(after.starts_with(before.substr(0, before.rfind(',') + 1)), before << after);
  BOOST_TEST(after.find("VRFY = 17,") != std::string::npos, after);
}
