// What the checker reads first (a trace's header) and writes last (a violation's report).
#include <array>
#include <charconv>
#include <map>

#include "sim/trace_check.hpp"

namespace postable::sim {

namespace {

// The header's lines as keys and values; the first line names the producer.
std::map<std::string, std::string, std::less<>> header_lines(std::string_view text) {
  std::map<std::string, std::string, std::less<>> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    const std::size_t equals = line.find('=');
    if (equals != std::string_view::npos) {
      lines.emplace(std::string(line.substr(0, equals)), std::string(line.substr(equals + 1)));
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string seconds(std::uint64_t ns) {
  std::string fraction = std::to_string(ns % 1000000000 / 1000);
  return std::to_string(ns / 1000000000) + "." + std::string(6 - fraction.size(), '0') + fraction;
}

std::string describe_event(const trace::Event& e) {
  static constexpr std::array names{
      "none",          "accept",     "bytes_read", "row_fired",         "record_appended",
      "sync_begun",    "sync_ended", "move_begun", "move_ended",        "folder_synced",
      "stop_signal",   "stop_told",  "drain_over", "connection_closed", "flushed",
      "server_stopped"};
  static_assert(names.size() == trace::kinds, "a name for each kind of event");
  std::string out = seconds(e.time_ns) + " s  " + std::string(names[std::size_t(e.kind)]);
  if (e.connection != 0) out += "  connection " + std::to_string(e.connection);
  switch (e.kind) {
    case trace::Kind::accept:
      return out + "  idle workers " + std::to_string(e.a);
    case trace::Kind::bytes_read:
      return out + "  " + std::to_string(e.a) + " bytes";
    case trace::Kind::row_fired:
      return out + "  " + describe_row(e.c);
    case trace::Kind::record_appended:
      return out + "  message " + std::to_string(e.a) + ", ends at byte " + std::to_string(e.b);
    case trace::Kind::sync_begun:
    case trace::Kind::sync_ended:
      return out + "  through byte " + std::to_string(e.a) +
             (e.kind == trace::Kind::sync_ended && !(e.flags & trace::ok_flag) ? ", failed" : "");
    case trace::Kind::move_begun:
    case trace::Kind::move_ended:
      return out + "  " + BackupRange{e.a, e.b}.file_name() +
             (e.kind == trace::Kind::move_ended && !(e.flags & trace::ok_flag) ? ", failed" : "");
    default:
      return out;
  }
}

}  // namespace

std::optional<RunHeader> read_run_header(std::string_view text, std::string& problem) {
  const auto lines = header_lines(text);
  RunHeader h;
  const auto number = [&](std::string_view key, auto& into) {
    const auto found = lines.find(key);
    std::uint64_t value = 0;
    if (found == lines.end() ||
        std::from_chars(found->second.data(), found->second.data() + found->second.size(), value)
                .ec != std::errc{}) {
      if (problem.empty()) problem = "its header has no number for `" + std::string(key) + "`";
      return;
    }
    into = static_cast<std::remove_reference_t<decltype(into)>>(value);
  };
  std::uint64_t strict = 0, resume = 0, timeout_ns = 0, drain_ns = 0;
  number("strict", strict);
  number("timeout_ns", timeout_ns);
  number("message_bytes_max", h.session.message_bytes_max);
  number("recipients_max", h.session.recipients_max);
  number("line_bytes_max", h.session.line_bytes_max);
  number("error_limit", h.session.error_limit);
  number("junk_limit", h.session.junk_limit);
  number("threads", h.threads);
  number("backup_every", h.backup_every);
  number("drain_ns", drain_ns);
  number("resume", resume);
  number("stored", h.stored);
  number("backed_up", h.backed_up);
  number("live_bytes", h.live_bytes);
  const auto name = lines.find("name");
  if (name == lines.end() && problem.empty()) problem = "its header names no server";
  if (!problem.empty()) return std::nullopt;
  h.session.name = name->second;
  h.session.strict = strict != 0;
  h.session.timeout = Duration(std::int64_t(timeout_ns));
  h.drain = Duration(std::int64_t(drain_ns));
  h.resume = resume != 0;
  if (h.threads == 0 || h.backup_every == 0 || h.backed_up > h.stored) {
    problem = "its header's threads, backup_every, stored and backed_up do not fit together";
    return std::nullopt;
  }
  return h;
}

std::string TraceChecker::report() const {
  if (!oracle_.violation()) return {};
  const Violation& v = *oracle_.violation();
  std::string out = "violation: " + v.invariant + "\n";
  if (v.client != 0) {
    out += "connection " + std::to_string(v.client) + ", as replayed:\n" + v.transcript;
  }
  out += "the events before it:\n";
  for (const trace::Event& e : recent_) out += "  " + describe_event(e) + "\n";
  return out;
}

}  // namespace postable::sim
