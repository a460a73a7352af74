#include "core/session.hpp"

#include "core/assert.hpp"
#include "core/command.hpp"
#include "core/table.hpp"

namespace postable {

Session::Session(SessionConfig config, Instant now, Observer observer)
    : config_(std::move(config)),
      observer_(std::move(observer)),
      framer_(config_.line_bytes_max, config_.message_bytes_max),
      clock_started_(now) {
  apply_event(Event::greet, now);
}

void Session::feed(std::string_view bytes, Instant now) {
  POSTABLE_ASSERT(wants_input());
  POSTABLE_ASSERT(held_.empty());
  if (const auto due = deadline(); due && now >= *due) {
    on_timeout(now);  // the client's time was up before these bytes could count
    return;
  }
  run(bytes, now);
  if (!bytes.empty() && awaiting_delivery()) held_.assign(bytes);
}

void Session::run(std::string_view& input, Instant now) {
  while (!input.empty() && wants_input()) {
    const Framer::Piece piece = framer_.next(input);
    switch (piece.kind) {
      case Framer::Kind::need_more:
        break;
      case Framer::Kind::line:
        on_line(piece.line, now);
        break;
      case Framer::Kind::too_long:
        apply_event(Event::too_long, now);
        break;
      case Framer::Kind::data_end:
        apply(model::input_of(Event::data_end), piece.too_big ? Outcome::too_big : Outcome::ok,
              {config_.name, {}, 0}, now);
        break;
    }
  }
}

void Session::on_line(std::string_view line, Instant now) {
  const Command command = classify(line, config_.strict);
  Outcome outcome = command.outcome;
  const bool adds_recipient =
      model::is_verb(command.input) &&
      model::verbs[std::size_t(model::verb_of(command.input))].arg == ArgClass::to &&
      outcome == Outcome::ok;
  if (adds_recipient && transaction_ && transaction_->recipients.size() >= config_.recipients_max) {
    outcome = Outcome::full;
  }
  apply(command.input, outcome, {config_.name, command.arg, 0}, now);
}

void Session::on_eof(Instant now) {
  POSTABLE_ASSERT(wants_input());
  apply_event(Event::eof, now);
}

void Session::on_timeout(Instant now) {
  const auto due = deadline();
  POSTABLE_ASSERT(due && now >= *due);
  apply_event(Event::timeout, now);
}

void Session::on_shutdown(Instant now) {
  stopping_ = true;
  if (mode() == Mode::command) apply_event(Event::shutdown, now);
}

void Session::on_drain_over(Instant now) {
  POSTABLE_ASSERT(wants_input());
  stopping_ = true;
  apply_event(Event::shutdown, now);
}

void Session::on_delivered(std::uint64_t number, Instant now) {
  POSTABLE_ASSERT(awaiting_delivery() && !delivery_);
  POSTABLE_ASSERT(number > 0);
  apply(model::input_of(Event::delivery), Outcome::ok, {config_.name, {}, number}, now);
  resume(now);
}

void Session::on_delivery_failed(Instant now) {
  POSTABLE_ASSERT(awaiting_delivery() && !delivery_);
  apply(model::input_of(Event::delivery), Outcome::failed, {config_.name, {}, 0}, now);
  resume(now);
}

// Runs the input that was held back behind the stored message, until it ends or the next
// message is complete.
void Session::resume(Instant now) {
  std::string held = std::move(held_);
  held_.clear();
  std::string_view rest = held;
  run(rest, now);
  if (!rest.empty() && awaiting_delivery()) held_.assign(rest);
}

void Session::apply_event(Event event, Instant now) {
  apply(model::input_of(event), Outcome::ok, {config_.name, {}, 0}, now);
}

// Which replies count as errors is the model compiler's reading of the rows (Row::
// counts_as_error); a junk verb past the limit counts too, and a 250 to a delivery starts the
// counts again (model/smtp.model, above the too_many_errors row).
void Session::count_errors(model::Input input, const model::Row& row, Instant now) {
  if (input == model::input_of(Event::delivery) && row.outcome == Outcome::ok) {
    errors_ = junk_ = 0;
    return;
  }
  bool error = row.counts_as_error;
  if (model::is_verb(input) &&
      model::verbs[std::size_t(model::verb_of(input))].step == Step::junk &&
      ++junk_ > config_.junk_limit) {
    error = true;
  }
  if (error) ++errors_;
  if (config_.error_limit != 0 && errors_ >= config_.error_limit && mode() == Mode::command) {
    apply_event(Event::too_many_errors, now);
  }
}

std::optional<Session::BodyPiece> Session::body_to_spill(std::size_t held_max) const {
  if (mode() != Mode::data || framer_.held_body().size() < held_max || held_max == 0) {
    return std::nullopt;
  }
  return BodyPiece{framer_.held_body(), framer_.body_bytes_handed_out()};
}

std::optional<Envelope> Session::take_delivery() {
  std::optional<Envelope> out = std::move(delivery_);
  delivery_.reset();
  return out;
}

std::optional<Instant> Session::deadline() const {
  if (!wants_input()) return std::nullopt;
  return clock_started_ + config_.timeout;
}

void Session::apply(model::Input input, Outcome outcome, const ReplyValues& values, Instant now) {
  const model::Row* found = find_row(state_, input, outcome);
  POSTABLE_ASSERT(found != nullptr);  // the model compiler proved the table total
  const model::Row& row = *found;
  if (observer_) observer_(row);
  switch (row.action) {
    case Action::none:
    case Action::close:
      break;
    case Action::set_helo:
      helo_.emplace(values.arg);
      break;
    case Action::set_sender:
      transaction_.emplace(Transaction{std::string(values.arg), {}});
      break;
    case Action::add_rcpt:
      POSTABLE_ASSERT(transaction_.has_value());
      transaction_->recipients.emplace_back(values.arg);
      break;
    case Action::deliver:
      POSTABLE_ASSERT(helo_.has_value() && transaction_.has_value());
      delivery_.emplace(Envelope{*helo_, std::move(transaction_->sender),
                                 std::move(transaction_->recipients), framer_.take_body(),
                                 framer_.body_bytes_handed_out()});
      transaction_.reset();
      break;
    case Action::reset:
      transaction_.reset();
      break;
  }
  if (row.has_reply) append_reply(output_, row.reply, values);
  state_ = row.next;
  if (row.clock == Clock::restart) clock_started_ = now;
  if (mode() == Mode::data && !framer_.in_data()) framer_.start_data();
  count_errors(input, row, now);
  if (stopping_ && mode() == Mode::command) apply_event(Event::shutdown, now);
}

}  // namespace postable
