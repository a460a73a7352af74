#include "core/record.hpp"

#include <algorithm>
#include <optional>

#include "core/body_quoting.hpp"
#include "core/decimal.hpp"

namespace postable {

namespace {

// The words of a record's head, written and read by the code below alone.
constexpr std::string_view received_prefix = "Received: from ";
constexpr std::string_view record_line_head = "Received: ";  // no body line begins so: quoted
constexpr std::string_view received_by = " by ";
constexpr std::string_view received_suffix = " (CS4410MP3)";
constexpr std::string_view number_field = "Number: ";
constexpr std::string_view from_field = "From: ";
constexpr std::string_view to_field = "To: ";

// At least the head's length (its fixed text and a 20-digit number are under 80 bytes), so
// that it is written into one allocation.
std::size_t head_bytes(const Envelope& envelope, std::string_view server_name) {
  std::size_t bytes = 80 + envelope.helo.size() + server_name.size() + envelope.sender.size();
  for (const std::string& recipient : envelope.recipients) bytes += 5 + recipient.size();
  return bytes;
}

void append_head(std::string& out, const Envelope& envelope, std::uint64_t number,
                 std::string_view server_name) {
  out.append(received_prefix).append(envelope.helo);
  out.append(received_by).append(server_name).append(received_suffix).append("\n");
  out.append(number_field).append(std::to_string(number)).append("\n");
  out.append(from_field).append(envelope.sender).append("\n");
  for (const std::string& recipient : envelope.recipients) {
    out.append(to_field).append(recipient).append("\n");
  }
  out.append("\n");
}

}  // namespace

std::string format_record_head(const Envelope& envelope, std::uint64_t number,
                               std::string_view server_name) {
  std::string out;
  out.reserve(head_bytes(envelope, server_name));
  append_head(out, envelope, number, server_name);
  return out;
}

void append_record(std::string& out, const Envelope& envelope, std::uint64_t number,
                   std::string_view server_name) {
  append_head(out, envelope, number, server_name);
  std::string scratch;
  out.append(stored_body(envelope.body, scratch)).append(record_end);
}

std::string format_record(const Envelope& envelope, std::uint64_t number,
                          std::string_view server_name) {
  std::string out;
  out.reserve(head_bytes(envelope, server_name) + envelope.body.size() + record_end.size());
  append_record(out, envelope, number, server_name);
  return out;
}

namespace {

// The line at `at` (without its LF), or nullopt when no LF ends it.
std::optional<std::string_view> line_at(std::string_view text, std::size_t at) {
  const std::size_t end = text.find('\n', at);
  if (end == std::string_view::npos) return std::nullopt;
  return text.substr(at, end - at);
}

// Whether a record starts at `at`: its `Received:` line, then its `Number:` line.
bool record_starts(std::string_view text, std::size_t at) {
  const auto received = line_at(text, at);
  if (!received || !received->starts_with(received_prefix) ||
      !received->ends_with(received_suffix)) {
    return false;
  }
  const auto number = line_at(text, at + received->size() + 1);
  return number && number->starts_with(number_field) &&
         parse_decimal(number->substr(number_field.size()));
}

// Reads the head at `at` into `record`; returns where the body starts, or nullopt.
std::optional<std::size_t> read_head(std::string_view text, std::size_t at, ParsedRecord& record) {
  std::string_view line = *line_at(text, at);
  const std::string_view from_by = line.substr(
      received_prefix.size(), line.size() - received_prefix.size() - received_suffix.size());
  const std::size_t by = from_by.rfind(received_by);
  if (by == std::string_view::npos) return std::nullopt;
  record.envelope.helo = from_by.substr(0, by);
  record.server_name = from_by.substr(by + received_by.size());
  at += line.size() + 1;
  line = *line_at(text, at);
  record.number = *parse_decimal(line.substr(number_field.size()));
  at += line.size() + 1;
  const auto from = line_at(text, at);
  if (!from || !from->starts_with(from_field)) return std::nullopt;
  record.envelope.sender = from->substr(from_field.size());
  at += from->size() + 1;
  std::size_t count = 0;  // recipients are assigned over those of a record read before
  for (auto to = line_at(text, at); to && to->starts_with(to_field); to = line_at(text, at)) {
    if (count == record.envelope.recipients.size()) record.envelope.recipients.emplace_back();
    record.envelope.recipients[count++] = to->substr(to_field.size());
    at += to->size() + 1;
  }
  record.envelope.recipients.resize(count);
  const auto blank = line_at(text, at);
  if (!blank || !blank->empty()) return std::nullopt;
  return at + 1;
}

// Where the body that starts at `at` ends: at its record's closing empty line, the one
// followed by the next record or by the end of the text; nullopt when the text is torn.
std::optional<std::size_t> body_end(std::string_view text, std::size_t at) {
  for (std::size_t line = at; line < text.size();) {
    const std::size_t end = text.find('\n', line);
    if (end == std::string_view::npos) return std::nullopt;
    if (end == line && (end + 1 == text.size() || record_starts(text, end + 1))) return line;
    line = end + 1;
  }
  return std::nullopt;
}

}  // namespace

ParsedRecords parse_records(std::string_view text) {
  ParsedRecords out;
  parse_records(text, out);
  return out;
}

void parse_records(std::string_view text, ParsedRecords& out) {
  out.problem.clear();
  out.starts.clear();
  std::size_t count = 0, at = 0;
  for (; at < text.size(); ++count) {
    if (count == out.records.size()) out.records.emplace_back();
    out.starts.push_back(at);
    ParsedRecord& record = out.records[count];
    if (!record_starts(text, at)) {
      out.problem = "no record starts at byte " + std::to_string(at);
      break;
    }
    const auto body = read_head(text, at, record);
    if (!body) {
      out.problem = "the head of message " + std::to_string(record.number) + " is malformed";
      break;
    }
    const auto end = body_end(text, *body);
    if (!end) {
      out.problem = "message " + std::to_string(record.number) + " has no end";
      break;
    }
    record.envelope.body.clear();
    append_unquoted(record.envelope.body, text.substr(*body, *end - *body));
    at = *end + record_end.size();
  }
  out.records.resize(count);
  out.starts.resize(count);
  out.whole_bytes = at;
}

namespace {

// Whether `line` (without its LF) is, or if `cut` may begin, prefix + anything + suffix.
bool line_could_be(std::string_view line, bool cut, std::string_view prefix,
                   std::string_view suffix = "") {
  if (cut && line.size() < prefix.size()) return prefix.starts_with(line);
  return line.starts_with(prefix) &&
         (cut || (line.size() >= prefix.size() + suffix.size() && line.ends_with(suffix)));
}

bool all_digits(std::string_view text) {
  return text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

bool could_begin_record(std::string_view text) {
  enum class Next { received, number, from, to_or_blank, body };
  Next next = Next::received;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    const bool cut = end == text.size();
    switch (next) {
      case Next::received:
        if (!line_could_be(line, cut, received_prefix, received_suffix)) return false;
        next = Next::number;
        break;
      case Next::number:
        if (!line_could_be(line, cut, number_field) ||
            !all_digits(line.substr(std::min(line.size(), number_field.size()))) ||
            (!cut && line.size() == number_field.size())) {
          return false;
        }
        next = Next::from;
        break;
      case Next::from:
        if (!line_could_be(line, cut, from_field)) return false;
        next = Next::to_or_blank;
        break;
      case Next::to_or_blank:
        if (line.empty() && !cut) {
          next = Next::body;
        } else if (!line_could_be(line, cut, to_field)) {
          return false;
        }
        break;
      case Next::body:  // any line but a record's first (a body's are quoted)
        if (line.starts_with(record_line_head)) return false;
        break;
    }
    at = end + 1;
  }
  return !text.empty();
}

bool begins_record_line(std::string_view text) {
  return text.starts_with(record_line_head);
}

bool may_be_cut_record_line(std::string_view last_line) {
  return record_line_head.starts_with(last_line);
}

}  // namespace postable
