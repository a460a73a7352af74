#include "sim/trace_replay.hpp"

#include "core/table.hpp"

namespace postable::sim {

namespace {

// A transcript keeps its last part: enough to see what led to a violation, bounded whatever
// the client sent.
constexpr std::size_t transcript_max = 16 * 1024;

}  // namespace

std::string describe_row(std::uint16_t row) {
  if (row >= model::rows.size()) return "row " + std::to_string(row) + " (no such row)";
  const model::Row& r = model::rows[row];
  return "row " + std::to_string(row) + " (model line " + std::to_string(r.line) + ": " +
         describe(r) + ")";
}

ReplayedConnection::ReplayedConnection(std::uint32_t id, const SessionConfig& config,
                                       Instant accepted)
    : id_(id),
      accepted_(accepted),
      session_(config, accepted,
               [this](const model::Row& row) {
                 fired_.push_back(std::uint16_t(&row - model::rows.data()));
               }),
      between_since_(accepted) {
  after_input(accepted);
}

std::string ReplayedConnection::read(std::string_view bytes, Instant at) {
  if (!fired_.empty()) {
    return "the server read on before it fired " + describe_row(fired_.front()) +
           ", as the table says";
  }
  if (!session_.wants_input()) return "the server read from a session that waits for no input";
  // A body is told by its length: its lines would crowd the commands out of the transcript.
  if (session_.mode() == Mode::data) {
    std::string told(1, '[');
    told.append(std::to_string(bytes.size())).append(" bytes of a message]");
    note("C: ", told);
  } else {
    note("C: ", bytes);
  }
  session_.feed(bytes, at);
  after_input(at);
  return {};
}

std::string ReplayedConnection::match(std::uint16_t row) {
  const std::uint16_t expected = fired_.front();
  fired_.pop_front();
  if (row == expected) return {};
  return "the server fired " + describe_row(row) + " where the table fires " +
         describe_row(expected);
}

void ReplayedConnection::take_delivery_if_complete() {
  if (session_.awaiting_delivery() && !delivering_) delivering_ = session_.take_delivery();
}

void ReplayedConnection::delivered(std::uint64_t number, Instant at) {
  delivering_.reset();
  record.reset();
  session_.on_delivered(number, at);
  after_input(at);
}

void ReplayedConnection::refused(Instant at) {
  delivering_.reset();
  record.reset();
  session_.on_delivery_failed(at);
  after_input(at);
}

// After each input: the replies go to the transcript, a complete message to the store, and
// the time the session came back between messages is kept.
void ReplayedConnection::after_input(Instant at) {
  if (!session_.output().empty()) {
    note("S: ", session_.output());
    session_.clear_output();
  }
  take_delivery_if_complete();
  const bool between = session_.mode() == Mode::command;
  if (between && !was_between_) between_since_ = at;
  was_between_ = between;
}

void ReplayedConnection::note(std::string_view prefix, std::string_view text) {
  std::string_view line = text;
  while (!line.empty()) {
    const std::size_t end = line.find('\n');
    const std::string_view part = line.substr(0, end == std::string_view::npos ? line.size() : end);
    transcript_.append(prefix).append(
        part.substr(0, part.ends_with('\r') ? part.size() - 1 : part.size()));
    transcript_ += '\n';
    if (end == std::string_view::npos) break;
    line.remove_prefix(end + 1);
  }
  if (transcript_.size() > 2 * transcript_max) {
    const std::size_t cut = transcript_.find('\n', transcript_.size() - transcript_max);
    transcript_.replace(0, cut == std::string::npos ? 0 : cut + 1, "[...]\n");
  }
}

}  // namespace postable::sim
