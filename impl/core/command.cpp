#include "core/command.hpp"

#include <algorithm>

namespace postable {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_printable(char c) {
  return c >= 0x21 && c <= 0x7e;
}  // no space, no control bytes

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

char upper(char c) {
  return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return upper(x) == upper(y); });
}

bool is_one_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_printable);
}

// `FROM:` / `TO:` with blanks allowed around the colon, then the address.
Command keyword_address(Command command, std::string_view rest, std::string_view keyword) {
  if (rest.size() < keyword.size() ||
      !equals_ignoring_case(rest.substr(0, keyword.size()), keyword)) {
    command.outcome = Outcome::syntax;
    return command;
  }
  rest = trim(rest.substr(keyword.size()));
  if (rest.empty() || rest.front() != ':') {
    command.outcome = Outcome::syntax;
    return command;
  }
  command.arg = trim(rest.substr(1));
  if (command.arg.empty()) {
    command.outcome = Outcome::syntax;
  } else if (!is_one_token(command.arg)) {
    command.outcome = Outcome::badarg;
  }
  return command;
}

}  // namespace

Command classify(std::string_view line, bool strict) {
  line = trim(line);
  const std::size_t verb_end =
      std::size_t(std::find_if(line.begin(), line.end(), is_blank) - line.begin());
  const std::string_view verb = line.substr(0, verb_end);
  const std::string_view rest = trim(line.substr(verb_end));
  Command command{model::Input::unknown, Outcome::ok, {}};
  for (std::size_t v = 0; v < model::verb_count; ++v) {
    const model::VerbInfo& info = model::verbs[v];
    if (!equals_ignoring_case(verb, info.name)) continue;
    if (strict && info.profile == Profile::extension) break;
    command.input = model::input_of(model::Verb(v));
    switch (info.arg) {
      case ArgClass::none:
        if (!rest.empty()) command.outcome = Outcome::syntax;
        return command;
      case ArgClass::any:
        return command;
      case ArgClass::host:
        command.arg = rest;
        if (!is_one_token(rest)) command.outcome = Outcome::syntax;
        return command;
      case ArgClass::from:
        return keyword_address(command, rest, "FROM");
      case ArgClass::to:
        return keyword_address(command, rest, "TO");
    }
  }
  return command;
}

}  // namespace postable
