#include "model/compiler/check.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <set>
#include <string>

namespace postable::modelc {

namespace {

constexpr std::size_t outcome_count = outcome_names.size();

bool is_identifier(const std::string& name, bool upper) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [upper](char c) {
    return c == '_' || std::isdigit(static_cast<unsigned char>(c)) ||
           (upper ? std::isupper(static_cast<unsigned char>(c))
                  : std::islower(static_cast<unsigned char>(c)));
  });
}

class Checker {
 public:
  Checker(const Model& model, Diagnostics& diagnostics)
      : model_(model), diagnostics_(diagnostics) {}

  std::optional<Table> run() {
    check_declarations();
    if (!diagnostics_.empty()) return std::nullopt;  // rows would only repeat the errors
    expand_rows();
    if (!diagnostics_.empty()) return std::nullopt;
    check_total();
    check_rows();
    check_replies_used();
    check_reachable();
    check_data_only_through_transaction();
    if (!diagnostics_.empty()) return std::nullopt;
    return table_;
  }

 private:
  void error(int line, std::string message) { diagnostics_.push_back({line, std::move(message)}); }

  // Names are unique per kind; returns name -> index.
  template <typename Decl>
  std::map<std::string, std::size_t> index(const std::vector<Decl>& decls, std::string_view kind,
                                           bool upper) {
    std::map<std::string, std::size_t> names;
    for (std::size_t i = 0; i < decls.size(); ++i) {
      const Decl& decl = decls[i];
      if (!is_identifier(decl.name, upper)) {
        error(decl.line, std::string(kind) + " name `" + decl.name + "` must be " +
                             (upper ? "UPPER_CASE" : "lower_case"));
      }
      auto [it, fresh] = names.emplace(decl.name, i);
      if (!fresh) {
        error(decl.line, "duplicate " + std::string(kind) + " `" + decl.name + "` (first on line " +
                             std::to_string(decls[it->second].line) + ")");
      }
    }
    return names;
  }

  void check_declarations() {
    check_limits();
    states_ = index(model_.states, "state", true);
    verbs_ = index(model_.verbs, "verb", true);
    replies_ = index(model_.replies, "reply", false);
    std::size_t initial_count = 0;
    for (std::size_t i = 0; i < model_.states.size(); ++i) {
      const StateDecl& state = model_.states[i];
      if (!state.initial) continue;
      ++initial_count;
      table_.initial_state = i;
      if (state.mode != Mode::banner) error(state.line, "the initial state must be of mode banner");
    }
    if (initial_count != 1) error(0, "exactly one state must be `initial`");
    for (std::size_t m = 0; m < mode_names.size(); ++m) {
      const bool present =
          std::any_of(model_.states.begin(), model_.states.end(),
                      [m](const StateDecl& s) { return std::size_t(s.mode) == m; });
      if (!present) error(0, "no state of mode " + std::string(mode_names[m]));
    }
    for (const ReplyDecl& reply : model_.replies) check_reply_text(reply);
  }

  void check_limits() {
    std::set<std::string> seen;
    for (const LimitDecl& limit : model_.limits) {
      if (!enum_from_name<std::size_t>(limit_names, limit.name)) {
        error(limit.line, "unknown limit `" + limit.name + "`");
      } else if (!seen.insert(limit.name).second) {
        error(limit.line, "duplicate limit `" + limit.name + "`");
      } else if (limit.value == 0) {
        error(limit.line, "limit `" + limit.name + "` must be at least 1");
      } else if (limit.name == "line_bytes_max" && (limit.value < 8 || limit.value > 65536)) {
        error(limit.line,
              "line_bytes_max must be within 8..65536 (it bounds each session's buffer)");
      }
    }
    for (std::string_view name : limit_names) {
      if (!seen.count(std::string(name))) error(0, "missing limit `" + std::string(name) + "`");
    }
  }

  void check_reply_text(const ReplyDecl& reply) {
    if (reply.code < 200 || reply.code > 599) {
      error(reply.line, "reply code " + std::to_string(reply.code) + " is not within 200..599");
    }
    for (std::size_t open = reply.text.find('{'); open != std::string::npos;
         open = reply.text.find('{', open + 1)) {
      const std::size_t close = reply.text.find('}', open);
      const std::string placeholder = close == std::string::npos
                                          ? reply.text.substr(open)
                                          : reply.text.substr(open, close - open + 1);
      if (placeholder != "{name}" && placeholder != "{arg}" && placeholder != "{n}") {
        error(reply.line, "unknown placeholder `" + placeholder + "` (known: {name}, {arg}, {n})");
      }
    }
    for (char c : reply.text) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
        error(reply.line, "reply text must be printable ASCII");
        break;
      }
    }
  }

  std::optional<std::size_t> resolve_input(const std::string& name) const {
    if (auto it = verbs_.find(name); it != verbs_.end()) return verb_input(it->second);
    if (auto event = enum_from_name<Event>(event_names, name)) return std::size_t(*event);
    return std::nullopt;
  }

  template <typename Map>
  std::optional<std::size_t> resolve(const Map& names, const std::string& name, int line,
                                     std::string_view kind) {
    if (auto it = names.find(name); it != names.end()) return it->second;
    error(line, "unknown " + std::string(kind) + " `" + name + "`");
    return std::nullopt;
  }

  void expand_rows() {
    cells_.assign(model_.states.size() * input_count(model_) * outcome_count, -1);
    for (const RowDecl& decl : model_.rows) {
      auto input = resolve_input(decl.input);
      if (!input)
        error(decl.line, "unknown input `" + decl.input + "` (neither a verb nor an event)");
      std::optional<std::size_t> reply;
      if (decl.reply) reply = resolve(replies_, *decl.reply, decl.line, "reply");
      if (!input || (decl.reply && !reply)) continue;
      for (const std::string& state_name : decl.states) {
        auto state = resolve(states_, state_name, decl.line, "state");
        if (!state) continue;
        std::optional<std::size_t> next = *state;
        if (decl.next) next = resolve(states_, *decl.next, decl.line, "state");
        if (!next) continue;
        expand_row(decl, *state, *input, *next, reply);
      }
    }
  }

  void expand_row(const RowDecl& decl, std::size_t state, std::size_t input, std::size_t next,
                  std::optional<std::size_t> reply) {
    const Mode mode = model_.states[state].mode;
    bool any = false;
    for (std::size_t o = 0; o < outcome_count; ++o) {
      const auto outcome = static_cast<Outcome>(o);
      if (decl.outcome && *decl.outcome != outcome) continue;
      if (!in_domain(model_, mode, input, outcome)) continue;
      any = true;
      int& cell = cell_at(state, input, outcome);
      if (cell >= 0) {
        error(decl.line, "second row for " + describe(state, input, outcome) + " (first on line " +
                             std::to_string(table_.rows[std::size_t(cell)].line) + ")");
        continue;
      }
      cell = int(table_.rows.size());
      table_.rows.push_back(
          {decl.line, state, input, outcome, next, decl.clock, decl.action, reply});
    }
    if (!any) {
      const std::string outcome =
          decl.outcome ? " with outcome " + std::string(enum_name(outcome_names, *decl.outcome))
                       : "";
      error(decl.line, "state " + model_.states[state].name + " (mode " +
                           std::string(enum_name(mode_names, mode)) + ") never receives " +
                           input_name(model_, input) + outcome);
    }
  }

  int& cell_at(std::size_t state, std::size_t input, Outcome outcome) {
    return cells_[(state * input_count(model_) + input) * outcome_count + std::size_t(outcome)];
  }

  std::string describe(std::size_t state, std::size_t input, Outcome outcome) const {
    return model_.states[state].name + " " + input_name(model_, input) + " " +
           std::string(enum_name(outcome_names, outcome));
  }

  void check_total() {
    for (std::size_t s = 0; s < model_.states.size(); ++s) {
      for (std::size_t i = 0; i < input_count(model_); ++i) {
        for (std::size_t o = 0; o < outcome_count; ++o) {
          const auto outcome = static_cast<Outcome>(o);
          if (in_domain(model_, model_.states[s].mode, i, outcome) && cell_at(s, i, outcome) < 0) {
            error(model_.states[s].line, "no row for " + describe(s, i, outcome));
          }
        }
      }
    }
  }

  void check_rows() {
    for (const Row& row : table_.rows) {
      check_clock(row);
      check_action(row);
      check_reply_use(row);
    }
  }

  // Only a step forward restarts the clock: a 2xx/3xx reply to the greeting or to a forward
  // verb, and the end of a message whether stored or refused.
  void check_clock(const Row& row) {
    bool forward = false;
    if (input_is_verb(model_, row.input)) {
      forward = input_verb(model_, row.input).step == Step::forward && row.reply &&
                model_.replies[*row.reply].code < 400;
    } else {
      const Event event = input_event(model_, row.input);
      forward = event == Event::data_end || event == Event::delivery ||
                (event == Event::greet && row.reply && model_.replies[*row.reply].code < 400);
    }
    if (forward && row.clock != Clock::restart) {
      error(row.line, describe(row) + " moves the session forward but keeps the clock");
    } else if (!forward && row.clock == Clock::restart) {
      error(row.line, describe(row) + " restarts the clock but does not move the session forward");
    }
  }

  std::string describe(const Row& row) const { return describe(row.state, row.input, row.outcome); }

  void check_action(const Row& row) {
    const Mode next_mode = model_.states[row.next].mode;
    const auto needs_arg = [&](ArgClass arg) {
      return input_is_verb(model_, row.input) && input_verb(model_, row.input).arg == arg &&
             row.outcome == Outcome::ok;
    };
    switch (row.action) {
      case Action::set_helo:
        if (!needs_arg(ArgClass::host)) error(row.line, "set_helo needs an accepted host verb");
        break;
      case Action::set_sender:
        if (!needs_arg(ArgClass::from)) error(row.line, "set_sender needs an accepted FROM verb");
        break;
      case Action::add_rcpt:
        if (!needs_arg(ArgClass::to)) error(row.line, "add_rcpt needs an accepted TO verb");
        break;
      default:
        break;
    }
    const bool data_end_ok = !input_is_verb(model_, row.input) &&
                             input_event(model_, row.input) == Event::data_end &&
                             row.outcome == Outcome::ok;
    if ((row.action == Action::deliver) != (next_mode == Mode::store) ||
        (row.action == Action::deliver && !data_end_ok)) {
      error(row.line, describe(row) +
                          ": exactly the rows that end a message move to a store "
                          "state, with action deliver");
    }
    if ((row.action == Action::close) != (next_mode == Mode::closed)) {
      error(row.line,
            describe(row) + ": exactly the rows with action close move to a closed state");
    }
    const bool error_reply = row.reply && model_.replies[*row.reply].code >= 400;
    if (error_reply && row.next != row.state && row.action != Action::close &&
        row.action != Action::reset) {
      error(row.line, describe(row) +
                          ": a 4xx/5xx reply must keep the state unless it closes "
                          "or drops the transaction");
    }
  }

  void check_reply_use(const Row& row) {
    const bool is_verb = input_is_verb(model_, row.input);
    const Event event = is_verb ? Event::greet : input_event(model_, row.input);
    if (!row.reply) {
      const bool silent_ok = !is_verb && (event == Event::eof || row.action == Action::deliver);
      if (!silent_ok)
        error(row.line, describe(row) + " must reply (only eof and deliver are silent)");
      return;
    }
    used_replies_.insert(*row.reply);
    const std::string& text = model_.replies[*row.reply].text;
    const bool has_arg = is_verb && input_verb(model_, row.input).arg != ArgClass::none &&
                         input_verb(model_, row.input).arg != ArgClass::any;
    if (text.find("{arg}") != std::string::npos && !has_arg) {
      error(row.line, describe(row) + ": reply uses {arg} but the input has no argument");
    }
    const bool has_number = !is_verb && event == Event::delivery && row.outcome == Outcome::ok;
    if (text.find("{n}") != std::string::npos && !has_number) {
      error(row.line, describe(row) + ": reply uses {n} but no message was stored");
    }
  }

  void check_replies_used() {
    for (std::size_t r = 0; r < model_.replies.size(); ++r) {
      if (!used_replies_.count(r)) {
        error(model_.replies[r].line, "reply `" + model_.replies[r].name + "` is never used");
      }
    }
  }

  void check_reachable() {
    std::vector<bool> seen(model_.states.size(), false);
    std::deque<std::size_t> queue{table_.initial_state};
    seen[table_.initial_state] = true;
    while (!queue.empty()) {
      const std::size_t state = queue.front();
      queue.pop_front();
      for (const Row& row : table_.rows) {
        if (row.state == state && !seen[row.next]) {
          seen[row.next] = true;
          queue.push_back(row.next);
        }
      }
    }
    for (std::size_t s = 0; s < seen.size(); ++s) {
      if (!seen[s])
        error(model_.states[s].line, "state " + model_.states[s].name + " is unreachable");
    }
  }

  // Walks (state, progress) where progress counts the steps of a transaction taken in order:
  // 1 after set_helo, 2 after set_sender, 3 after add_rcpt; reset falls back to 1 (HELO
  // carries over). Entering a data state with progress below 3 is a path around the rules.
  void check_data_only_through_transaction() {
    constexpr int complete = 3;
    std::set<std::pair<std::size_t, int>> seen{{table_.initial_state, 0}};
    std::deque<std::pair<std::size_t, int>> queue{{table_.initial_state, 0}};
    std::set<int> reported;
    while (!queue.empty()) {
      const auto [state, progress] = queue.front();
      queue.pop_front();
      for (const Row& row : table_.rows) {
        if (row.state != state) continue;
        int next = progress;
        if (row.action == Action::set_helo && progress == 0) next = 1;
        if (row.action == Action::set_sender && progress == 1) next = 2;
        if (row.action == Action::add_rcpt && progress >= 2) next = complete;
        if (row.action == Action::reset || row.action == Action::deliver) next = std::min(next, 1);
        if (model_.states[row.next].mode == Mode::data && next < complete &&
            model_.states[row.state].mode != Mode::data && reported.insert(row.line).second) {
          error(row.line, describe(row) + " reaches " + model_.states[row.next].name +
                              " without an accepted HELO, MAIL and RCPT, in that order");
        }
        if (seen.insert({row.next, next}).second) queue.push_back({row.next, next});
      }
    }
  }

  const Model& model_;
  Diagnostics& diagnostics_;
  std::map<std::string, std::size_t> states_, verbs_, replies_;
  std::vector<int> cells_;
  std::set<std::size_t> used_replies_;
  Table table_;
};

}  // namespace

std::optional<Table> check_model(const Model& model, Diagnostics& diagnostics) {
  const std::size_t before = diagnostics.size();
  Diagnostics own;
  auto table = Checker(model, own).run();
  diagnostics.insert(diagnostics.end(), own.begin(), own.end());
  if (diagnostics.size() != before) return std::nullopt;
  return table;
}

}  // namespace postable::modelc
