#include "model/compiler/parse.hpp"

#include <charconv>
#include <string>

namespace postable::modelc {
namespace {

struct Token {
  std::string text;
  bool quoted = false;
};

// Splits a line into words and "quoted strings"; `#` outside quotes starts a comment.
bool tokenize(std::string_view line, std::vector<Token>& tokens, std::string& error) {
  std::size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '#') {
      break;
    } else if (c == '"') {
      const std::size_t end = line.find('"', i + 1);
      if (end == std::string_view::npos) {
        error = "unterminated string";
        return false;
      }
      tokens.push_back({std::string(line.substr(i + 1, end - i - 1)), true});
      i = end + 1;
    } else {
      std::size_t end = i;
      while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '#' &&
             line[end] != '\r') {
        ++end;
      }
      tokens.push_back({std::string(line.substr(i, end - i)), false});
      i = end;
    }
  }
  return true;
}

class LineParser {
 public:
  LineParser(int line, std::vector<Token> tokens, Model& model, Diagnostics& diagnostics)
      : line_(line), tokens_(std::move(tokens)), model_(model), diagnostics_(diagnostics) {}

  void parse() {
    const std::string& keyword = tokens_[0].text;
    if (keyword == "limit") return parse_limit();
    if (keyword == "state") return parse_state();
    if (keyword == "verb") return parse_verb();
    if (keyword == "reply") return parse_reply();
    parse_row();
  }

 private:
  void error(std::string message) { diagnostics_.push_back({line_, std::move(message)}); }

  bool expect_count(std::size_t min, std::size_t max, std::string_view shape) {
    if (tokens_.size() >= min && tokens_.size() <= max) return true;
    error("expected `" + std::string(shape) + "`");
    return false;
  }

  bool word(std::size_t i, std::string_view what) {
    if (!tokens_[i].quoted) return true;
    error(std::string(what) + " must not be quoted");
    return false;
  }

  template <typename Enum, std::size_t N>
  std::optional<Enum> lookup(const std::array<std::string_view, N>& names, std::size_t i,
                             std::string_view what) {
    auto value = enum_from_name<Enum>(names, tokens_[i].text);
    if (!value) {
      std::string known;
      for (auto name : names) known += (known.empty() ? "" : ", ") + std::string(name);
      error("unknown " + std::string(what) + " `" + tokens_[i].text + "` (known: " + known + ")");
    }
    return value;
  }

  std::optional<std::uint64_t> number(std::size_t i, std::string_view what) {
    const std::string& text = tokens_[i].text;
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || tokens_[i].quoted) {
      error(std::string(what) + " must be a whole number, not `" + text + "`");
      return std::nullopt;
    }
    return value;
  }

  void parse_limit() {
    if (!expect_count(3, 3, "limit NAME VALUE") || !word(1, "a limit name")) return;
    if (auto value = number(2, "a limit"))
      model_.limits.push_back({line_, tokens_[1].text, *value});
  }

  void parse_state() {
    if (!expect_count(3, 4, "state NAME MODE [initial]") || !word(1, "a state name")) return;
    auto mode = lookup<Mode>(mode_names, 2, "mode");
    bool initial = false;
    if (tokens_.size() == 4) {
      if (tokens_[3].text != "initial")
        return error("expected `initial`, not `" + tokens_[3].text + "`");
      initial = true;
    }
    if (mode) model_.states.push_back({line_, tokens_[1].text, *mode, initial});
  }

  void parse_verb() {
    if (!expect_count(5, 5, "verb NAME ARGCLASS PROFILE STEP") || !word(1, "a verb")) return;
    auto arg = lookup<ArgClass>(arg_class_names, 2, "argument class");
    auto profile = lookup<Profile>(profile_names, 3, "profile");
    auto step = lookup<Step>(step_names, 4, "step");
    if (arg && profile && step) {
      model_.verbs.push_back({line_, tokens_[1].text, *arg, *profile, *step});
    }
  }

  void parse_reply() {
    if (!expect_count(4, 4, "reply NAME CODE \"TEXT\"") || !word(1, "a reply name")) return;
    if (!tokens_[3].quoted) return error("reply text must be a \"quoted string\"");
    auto code = number(2, "a reply code");
    if (code) model_.replies.push_back({line_, tokens_[1].text, int(*code), tokens_[3].text});
  }

  // STATES INPUT OUTCOME -> NEXT CLOCK ACTION REPLY
  void parse_row() {
    constexpr std::string_view shape = "STATES INPUT OUTCOME -> NEXT CLOCK ACTION REPLY";
    if (tokens_.size() != 8 || tokens_[3].text != "->") {
      return error("expected a declaration or a transition `" + std::string(shape) + "`");
    }
    RowDecl row{line_,        {},          tokens_[1].text, std::nullopt,
                std::nullopt, Clock::keep, Action::none,    std::nullopt};
    std::string_view states = tokens_[0].text;
    while (!states.empty()) {
      const std::size_t comma = states.find(',');
      row.states.emplace_back(states.substr(0, comma));
      states = comma == std::string_view::npos ? "" : states.substr(comma + 1);
    }
    bool ok = true;
    if (tokens_[2].text != "*") {
      auto outcome = lookup<Outcome>(outcome_names, 2, "outcome");
      ok = ok && outcome;
      row.outcome = outcome;
    }
    if (tokens_[4].text != "=") row.next = tokens_[4].text;
    auto clock = lookup<Clock>(clock_names, 5, "clock");
    auto action = lookup<Action>(action_names, 6, "action");
    if (tokens_[7].text != "-") row.reply = tokens_[7].text;
    if (!ok || !clock || !action) return;
    row.clock = *clock;
    row.action = *action;
    model_.rows.push_back(std::move(row));
  }

  int line_;
  std::vector<Token> tokens_;
  Model& model_;
  Diagnostics& diagnostics_;
};

}  // namespace

Model parse_model(std::string_view text, Diagnostics& diagnostics) {
  Model model;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? "" : text.substr(newline + 1);
    std::vector<Token> tokens;
    std::string error;
    if (!tokenize(line, tokens, error)) {
      diagnostics.push_back({line_number, error});
      continue;
    }
    if (!tokens.empty()) LineParser(line_number, std::move(tokens), model, diagnostics).parse();
  }
  return model;
}

}  // namespace postable::modelc
