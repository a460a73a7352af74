// The parsed model: declarations as written, each with the line it came from, and the
// expanded table that the checks prove and the emitters write out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/vocabulary.hpp"

namespace postable::modelc {

struct Diagnostic {
  int line = 0;  // 0: about the file as a whole
  std::string message;
};
using Diagnostics = std::vector<Diagnostic>;

struct LimitDecl {
  int line;
  std::string name;
  std::uint64_t value;
};

struct StateDecl {
  int line;
  std::string name;
  Mode mode;
  bool initial;
};

struct VerbDecl {
  int line;
  std::string name;
  ArgClass arg;
  Profile profile;
  Step step;
};

struct ReplyDecl {
  int line;
  std::string name;
  int code;
  std::string text;
};

// One transition line as written: several states, perhaps every outcome (`*`).
struct RowDecl {
  int line;
  std::vector<std::string> states;
  std::string input;
  std::optional<Outcome> outcome;   // nullopt: `*`
  std::optional<std::string> next;  // nullopt: `=`, the same state
  Clock clock;
  Action action;
  std::optional<std::string> reply;  // nullopt: `-`, no reply
};

struct Model {
  std::vector<LimitDecl> limits;
  std::vector<StateDecl> states;
  std::vector<VerbDecl> verbs;
  std::vector<ReplyDecl> replies;
  std::vector<RowDecl> rows;
};

// `input` is numbered as inputs.hpp says: the events, then the verbs.
struct Row {
  int line;
  std::size_t state;
  std::size_t input;
  Outcome outcome;
  std::size_t next;
  Clock clock;
  Action action;
  std::optional<std::size_t> reply;
};

// The checked table: one row per (state, input, outcome) that can occur.
struct Table {
  std::vector<Row> rows;
  std::size_t initial_state = 0;
};

}  // namespace postable::modelc
