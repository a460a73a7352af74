// The fixed words of the protocol model: what a model file may say, and what the core
// understands. The model compiler parses these names; the generated table stores the enums;
// the session acts on them. Adding a word here is a change to the model language itself.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace postable {

// What a state waits for. The mode decides which inputs a state must answer.
enum class Mode : std::uint8_t { banner, command, data, store, closed };
inline constexpr std::array<std::string_view, 5> mode_names{"banner", "command", "data", "store",
                                                            "closed"};

// How a verb's argument is read, and so which outcomes the verb can have.
//   none: nothing may follow the verb.   any: anything may follow (ignored).
//   host: one printable token.           from / to: `FROM:` / `TO:` then one address.
enum class ArgClass : std::uint8_t { none, any, host, from, to };
inline constexpr std::array<std::string_view, 5> arg_class_names{"none", "any", "host", "from",
                                                                 "to"};

// Which profile a verb belongs to: `--strict` answers extension verbs as unknown.
enum class Profile : std::uint8_t { core, extension };
inline constexpr std::array<std::string_view, 2> profile_names{"core", "extension"};

// Whether an accepted verb moves the session forward (and so may restart the clock). `junk`
// is aside too, and past the first `junk_limit` of a session each one counts as an error.
enum class Step : std::uint8_t { forward, aside, junk };
inline constexpr std::array<std::string_view, 3> step_names{"forward", "aside", "junk"};

// The result of classifying one input, in the order the checks run.
enum class Outcome : std::uint8_t { ok, syntax, badarg, full, too_big, failed };
inline constexpr std::array<std::string_view, 6> outcome_names{"ok",   "syntax",  "badarg",
                                                               "full", "too_big", "failed"};

// Inputs that are not verbs.
//   greet: the connection is served.  unknown: an unknown verb or an empty line.
//   too_long: a command line over the limit.  timeout / eof: the clock ran out / the peer closed.
//   data_end: the end marker of a message.  delivery: the store's answer to a delivery.
//   too_many_errors: a reply just brought the session's errors to `error_limit`.
//   shutdown: the server stops (at once between messages; in a message, when the drain ends).
enum class Event : std::uint8_t {
  greet,
  unknown,
  too_long,
  timeout,
  eof,
  data_end,
  delivery,
  too_many_errors,
  shutdown
};
inline constexpr std::array<std::string_view, 9> event_names{
    "greet",    "unknown",  "too_long",        "timeout", "eof",
    "data_end", "delivery", "too_many_errors", "shutdown"};

// What a row does besides replying and moving to its next state.
enum class Action : std::uint8_t { none, set_helo, set_sender, add_rcpt, deliver, reset, close };
inline constexpr std::array<std::string_view, 7> action_names{
    "-", "set_helo", "set_sender", "add_rcpt", "deliver", "reset", "close"};

enum class Clock : std::uint8_t { keep, restart };
inline constexpr std::array<std::string_view, 2> clock_names{"keep", "restart"};

// The limits every model must define, by name (units last).
inline constexpr std::array<std::string_view, 9> limit_names{
    "line_bytes_max", "recipients_max", "message_bytes_max", "timeout_seconds", "backup_every",
    "pool_threads",   "error_limit",    "junk_limit",        "drain_seconds"};

template <typename Enum, std::size_t N>
constexpr std::optional<Enum> enum_from_name(const std::array<std::string_view, N>& names,
                                             std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

template <typename Enum, std::size_t N>
constexpr std::string_view enum_name(const std::array<std::string_view, N>& names, Enum value) {
  return names[static_cast<std::size_t>(value)];
}

// Which modes an event belongs to, and which outcomes it can have.
constexpr bool event_in_mode(Event event, Mode mode) {
  switch (event) {
    case Event::greet:
      return mode == Mode::banner;
    case Event::unknown:
    case Event::too_long:
    case Event::too_many_errors:
      return mode == Mode::command;
    case Event::timeout:
    case Event::eof:
    case Event::shutdown:
      return mode == Mode::command || mode == Mode::data;
    case Event::data_end:
      return mode == Mode::data;
    case Event::delivery:
      return mode == Mode::store;
  }
  return false;
}

constexpr bool event_has_outcome(Event event, Outcome outcome) {
  switch (event) {
    case Event::data_end:
      return outcome == Outcome::ok || outcome == Outcome::too_big;
    case Event::delivery:
      return outcome == Outcome::ok || outcome == Outcome::failed;
    default:
      return outcome == Outcome::ok;
  }
}

// The outcomes the classifier can give a verb of each argument class, in check order.
constexpr bool arg_class_has_outcome(ArgClass arg, Outcome outcome) {
  switch (outcome) {
    case Outcome::ok:
      return true;
    case Outcome::syntax:
      return arg != ArgClass::any;
    case Outcome::badarg:
      return arg == ArgClass::from || arg == ArgClass::to;
    case Outcome::full:
      return arg == ArgClass::to;
    default:
      return false;
  }
}

}  // namespace postable
