#include "model/compiler/emit.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "model/compiler/check.hpp"

namespace postable::modelc {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

template <std::size_t N, typename Enum>
std::string qualified(std::string_view type, const std::array<std::string_view, N>& names,
                      Enum value) {
  std::string_view name = enum_name(names, value);
  return std::string(type) + "::" + (name == "-" ? std::string("none") : std::string(name));
}

void emit_limits(std::ostream& out, const Model& model) {
  out << "// Limits, named with their unit last.\n";
  for (const LimitDecl& limit : model.limits) {
    out << "inline constexpr std::uint64_t " << limit.name << " = " << limit.value << ";\n";
  }
  out << "\n";
}

void emit_states(std::ostream& out, const Model& model, const Table& table) {
  out << "enum class State : std::uint8_t {";
  for (std::size_t s = 0; s < model.states.size(); ++s)
    out << " " << model.states[s].name << " = " << s << ",";
  out << " };\ninline constexpr std::size_t state_count = " << model.states.size() << ";\n";
  out << "struct StateInfo {\n  std::string_view name;\n  Mode mode;\n};\n";
  out << "inline constexpr std::array<StateInfo, state_count> states{{\n";
  for (const StateDecl& state : model.states) {
    out << "    {" << quoted(state.name) << ", " << qualified("Mode", mode_names, state.mode)
        << "},\n";
  }
  out << "}};\ninline constexpr State initial_state = State::"
      << model.states[table.initial_state].name << ";\n\n";
}

// Inputs are the events, numbered as the vocabulary numbers them, then the verbs in
// declaration order: a verb added to the model moves no other input's number.
void emit_inputs(std::ostream& out, const Model& model) {
  out << "enum class Input : std::uint8_t {";
  for (std::size_t i = 0; i < input_count(model); ++i)
    out << (i % 6 == 0 ? "\n   " : "") << " " << input_name(model, i) << " = " << i << ",";
  out << "\n};\ninline constexpr std::size_t input_count = " << input_count(model) << ";\n"
      << "constexpr Input input_of(Event event) { return Input(std::size_t(event)); }\n"
      << "constexpr Input input_of(Verb verb) {\n"
      << "  return Input(event_names.size() + std::size_t(verb));\n}\n"
      << "constexpr bool is_verb(Input input) {\n"
      << "  return std::size_t(input) >= event_names.size();\n}\n"
      << "constexpr Verb verb_of(Input input) {  // when is_verb(input)\n"
      << "  return Verb(std::size_t(input) - event_names.size());\n}\n\n";
}

void emit_verbs(std::ostream& out, const Model& model) {
  out << "enum class Verb : std::uint8_t {";
  for (std::size_t v = 0; v < model.verbs.size(); ++v)
    out << " " << model.verbs[v].name << " = " << v << ",";
  out << " };\ninline constexpr std::size_t verb_count = " << model.verbs.size() << ";\n";
  out << "struct VerbInfo {\n  std::string_view name;\n  ArgClass arg;\n  Profile profile;\n"
         "  Step step;\n};\n";
  out << "inline constexpr std::array<VerbInfo, verb_count> verbs{{\n";
  for (const VerbDecl& verb : model.verbs) {
    out << "    {" << quoted(verb.name) << ", " << qualified("ArgClass", arg_class_names, verb.arg)
        << ", " << qualified("Profile", profile_names, verb.profile) << ", "
        << qualified("Step", step_names, verb.step) << "},\n";
  }
  out << "}};\n\n";
  emit_inputs(out, model);
}

void emit_replies(std::ostream& out, const Model& model) {
  out << "enum class Reply : std::uint8_t {";
  for (std::size_t r = 0; r < model.replies.size(); ++r)
    out << " " << model.replies[r].name << " = " << r << ",";
  out << " };\ninline constexpr std::size_t reply_count = " << model.replies.size() << ";\n";
  out << "struct ReplyInfo {\n  std::string_view name;\n  std::uint16_t code;\n"
         "  std::string_view text;\n};\n";
  out << "inline constexpr std::array<ReplyInfo, reply_count> replies{{\n";
  for (const ReplyDecl& reply : model.replies) {
    out << "    {" << quoted(reply.name) << ", " << reply.code << ", " << quoted(reply.text)
        << "},\n";
  }
  out << "}};\n\n";
}

// What the rows mean to the session's limits and to a client, read once here from the
// replies' codes: a 4xx or 5xx reply is an error, but the 421 that closes the session; an ok
// row whose reply is 2xx or 3xx took the client's step.
bool counts_as_error(const Model& model, const Row& row) {
  if (!row.reply) return false;
  const unsigned code = model.replies[*row.reply].code;
  return code >= 400 && code != 421;
}
bool accepts(const Model& model, const Row& row) {
  if (!row.reply || row.outcome != Outcome::ok) return false;
  const unsigned code = model.replies[*row.reply].code;
  return code >= 200 && code < 400;
}

void emit_rows(std::ostream& out, const Model& model, const Table& table) {
  out << "struct Row {\n  State state;\n  Input input;\n  Outcome outcome;\n  State next;\n"
         "  Clock clock;\n  Action action;\n  bool has_reply;\n  Reply reply;\n"
         "  bool counts_as_error;  // a 4xx/5xx reply but the 421 that closes\n"
         "  bool accepts;          // ok, with a 2xx/3xx reply: the client's step was taken\n"
         "  std::uint16_t line;    // in the model file\n};\n";
  out << "inline constexpr std::size_t row_count = " << table.rows.size() << ";\n";
  out << "inline constexpr std::array<Row, row_count> rows{{\n";
  for (const Row& row : table.rows) {
    const std::string reply = row.reply ? model.replies[*row.reply].name : model.replies[0].name;
    out << "    {State::" << model.states[row.state].name
        << ", Input::" << input_name(model, row.input) << ", "
        << qualified("Outcome", outcome_names, row.outcome)
        << ", State::" << model.states[row.next].name << ", "
        << qualified("Clock", clock_names, row.clock) << ", "
        << qualified("Action", action_names, row.action) << ", " << (row.reply ? "true" : "false")
        << ", Reply::" << reply << ", " << (counts_as_error(model, row) ? "true" : "false") << ", "
        << (accepts(model, row) ? "true" : "false") << ", " << row.line << "},\n";
  }
  out << "}};\n\n";
  // A dense index: row number + 1 per (state, input, outcome), 0 where none can occur.
  const std::size_t inputs = input_count(model);
  std::vector<std::size_t> index(model.states.size() * inputs * outcome_names.size(), 0);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const Row& row = table.rows[r];
    index[(row.state * inputs + row.input) * outcome_names.size() + std::size_t(row.outcome)] =
        r + 1;
  }
  out << "// Row number + 1 for each (state, input, outcome); 0 where it cannot occur.\n";
  out << "inline constexpr std::array<std::uint16_t, state_count * input_count * "
         "outcome_names.size()> row_index{{";
  for (std::size_t i = 0; i < index.size(); ++i)
    out << (i % 24 == 0 ? "\n   " : "") << " " << index[i] << ",";
  out << "\n}};\n\n";
}

}  // namespace

std::string emit_header(const Model& model, const Table& table, const std::string& source_name) {
  std::ostringstream out;
  out << "// Generated by smtpmodelc from " << source_name << ". Do not edit: edit the model.\n"
      << "#pragma once\n\n#include <array>\n#include <cstddef>\n#include <cstdint>\n"
      << "#include <string_view>\n\n#include \"model/vocabulary.hpp\"\n\n"
      << "namespace postable::model {\n\n";
  emit_limits(out, model);
  emit_states(out, model, table);
  emit_verbs(out, model);
  emit_replies(out, model);
  emit_rows(out, model, table);
  out << "}  // namespace postable::model\n";
  return out.str();
}

std::string emit_dot(const Model& model, const Table& table) {
  // Edges grouped by (from, to); 4xx/5xx replies that keep the state are left out so the
  // picture shows the paths a session takes, and a note says so.
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::string>> edges;
  for (const Row& row : table.rows) {
    const bool error_loop =
        row.next == row.state && row.reply && model.replies[*row.reply].code >= 400;
    if (error_loop) continue;
    std::string label = input_name(model, row.input);
    if (row.outcome != Outcome::ok)
      label += " " + std::string(enum_name(outcome_names, row.outcome));
    label += row.reply ? " / " + std::to_string(model.replies[*row.reply].code) : "";
    auto& labels = edges[{row.state, row.next}];
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
  }
  std::ostringstream out;
  out << "digraph smtp {\n  rankdir=TB;\n  node [shape=box, style=rounded, "
         "fontname=\"Helvetica\"];\n"
         "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (std::size_t s = 0; s < model.states.size(); ++s) {
    const StateDecl& state = model.states[s];
    out << "  " << state.name << " [label=\"" << state.name << "\\n("
        << enum_name(mode_names, state.mode) << ")\""
        << (s == table.initial_state ? ", penwidth=2" : "")
        << (state.mode == Mode::closed ? ", shape=doubleoctagon" : "") << "];\n";
  }
  for (const auto& [ends, labels] : edges) {
    std::string label;
    for (const std::string& line : labels) label += line + "\\l";
    out << "  " << model.states[ends.first].name << " -> " << model.states[ends.second].name
        << " [label=\"" << label << "\"];\n";
  }
  out << "  note [shape=note, label=\"Not drawn: 4xx/5xx replies that keep the state.\\l"
         "Labels: input [outcome] / reply code.\\l\"];\n}\n";
  return out.str();
}

}  // namespace postable::modelc
