#include "support/harness.hpp"

#include <algorithm>

#include "core/record.hpp"

namespace postable::testing {

Harness::Harness(SessionConfig config) : config_(config), session_(config, now_) {
  settle();
}

void Harness::spill() {
  const auto piece = session_.body_to_spill(spill_past_);
  if (!piece) return;
  if (piece->offset == 0) spilled_.clear();
  if (piece->offset != spilled_.size() && spill_problem_.empty()) {
    spill_problem_ = "a piece at body byte " + std::to_string(piece->offset) + " after " +
                     std::to_string(spilled_.size()) + " spilled";
  }
  spilled_.append(piece->bytes);
  largest_spill_ = std::max(largest_spill_, piece->bytes.size());
  session_.body_spilled();
}

void Harness::whole_body(Envelope& envelope) {
  if (envelope.body_offset == 0) return;
  if (envelope.body_offset != spilled_.size() && spill_problem_.empty()) {
    spill_problem_ = "a body from byte " + std::to_string(envelope.body_offset) + " after " +
                     std::to_string(spilled_.size()) + " spilled";
  }
  envelope.body.insert(0, spilled_);
  envelope.body_offset = 0;
  spilled_.clear();
}

void Harness::settle() {
  while (session_.awaiting_delivery()) {
    std::optional<Envelope> envelope = session_.take_delivery();
    if (envelope) whole_body(*envelope);
    if (fail_next_ || !envelope) {
      fail_next_ = false;
      session_.on_delivery_failed(now_);
      continue;
    }
    append_record(mailbox_, *envelope, next_number_, config_.name);
    deliveries_.push_back(std::move(*envelope));
    session_.on_delivered(next_number_++, now_);
  }
  replies_ += session_.output();
  session_.clear_output();
  spill();
  peak_buffered_ = std::max(peak_buffered_, session_.buffered_bytes());
}

void Harness::feed(std::string_view bytes, std::size_t chunk_bytes) {
  while (!bytes.empty() && session_.wants_input()) {
    const std::size_t take = std::min(chunk_bytes, bytes.size());
    session_.feed(bytes.substr(0, take), now_);
    bytes.remove_prefix(take);
    settle();
  }
}

void Harness::advance(Duration by) {
  now_ = now_ + by;
  if (const auto due = session_.deadline(); due && now_ >= *due) session_.on_timeout(now_);
  settle();
}

void Harness::eof() {
  if (session_.wants_input()) session_.on_eof(now_);
  settle();
}

void Harness::shutdown() {
  session_.on_shutdown(now_);
  settle();
}

void Harness::drain_over() {
  if (session_.wants_input()) session_.on_drain_over(now_);
  settle();
}

void Harness::new_connection() {
  eof();
  session_ = Session(config_, now_);
  settle();
}

}  // namespace postable::testing
