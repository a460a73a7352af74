#include "core/run_trace.hpp"

#include <cstring>

namespace postable::trace {

namespace {

constexpr std::size_t prefix_bytes = magic.size() + 8;  // magic, version, header_bytes

std::uint64_t padded(std::uint64_t bytes) {
  return (bytes + 7) / 8 * 8;
}

void put(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += char((value >> (8 * i)) & 0xff);
}

std::uint64_t get(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = value << 8 | std::uint8_t(in[at + std::size_t(i)]);
  return value;
}

void put_head(std::string& out, const Event& event) {
  put(out, event.time_ns, 8);
  put(out, event.connection, 4);
  put(out, std::uint8_t(event.kind), 1);
  put(out, event.flags, 1);
  put(out, event.c, 2);
}

}  // namespace

int values_of(Kind kind) {
  switch (kind) {
    case Kind::record_appended:
    case Kind::move_begun:
    case Kind::move_ended:
      return 2;
    case Kind::accept:
    case Kind::bytes_read:
    case Kind::sync_begun:
    case Kind::sync_ended:
      return 1;
    default:
      return 0;
  }
}

std::string encode_header(std::string_view header) {
  std::string out(magic);
  put(out, format_version, 4);
  put(out, header.size(), 4);
  out.append(header);
  out.append(padded(header.size()) - header.size(), '\0');
  return out;
}

void append_event(std::string& out, const Event& event) {
  put_head(out, event);
  const int values = values_of(event.kind);
  if (values >= 1) put(out, event.a, 8);
  if (values == 2) put(out, event.b, 8);
  if (event.kind == Kind::bytes_read) out.append(event.bytes);
}

Reader::Reader(std::string_view trace) : trace_(trace) {
  if (trace_.size() < prefix_bytes) {
    // Cut before its header was whole, or not a trace at all.
    if (!magic.starts_with(trace_.substr(0, magic.size()))) {
      fail(0, "not a Postable trace");
    } else {
      cut_ = true;
    }
    return;
  }
  if (trace_.substr(0, magic.size()) != magic) {
    fail(0, "not a Postable trace");
    return;
  }
  const auto version = std::uint32_t(get(trace_, magic.size(), 4));
  if (version != format_version) {
    fail(magic.size(), "a trace of version " + std::to_string(version) +
                           "; this reader reads version " + std::to_string(format_version));
    return;
  }
  const std::uint64_t header_bytes = get(trace_, magic.size() + 4, 4);
  if (prefix_bytes + padded(header_bytes) > trace_.size()) {
    cut_ = true;
    return;
  }
  header_ = trace_.substr(prefix_bytes, header_bytes);
  at_ = prefix_bytes + padded(header_bytes);
}

bool Reader::fail(std::uint64_t offset, std::string reason) {
  problem_ = Problem{offset, std::move(reason)};
  return false;
}

std::optional<Event> Reader::next() {
  if (!header_ || problem_ || cut_ || at_ == trace_.size()) return std::nullopt;
  if (at_ + event_head_bytes > trace_.size()) {
    cut_ = true;
    return std::nullopt;
  }
  const std::uint8_t kind = std::uint8_t(get(trace_, at_ + 12, 1));
  if (kind == 0 || kind >= kinds) {
    fail(at_, "an event of no known kind (" + std::to_string(kind) + ")");
    return std::nullopt;
  }
  Event event{get(trace_, at_, 8),
              Kind(kind),
              std::uint32_t(get(trace_, at_ + 8, 4)),
              std::uint8_t(get(trace_, at_ + 13, 1)),
              std::uint16_t(get(trace_, at_ + 14, 2)),
              0,
              0,
              {}};
  const int values = values_of(event.kind);
  std::uint64_t bytes = event_head_bytes + 8 * std::uint64_t(values);
  if (at_ + bytes > trace_.size()) {
    cut_ = true;
    return std::nullopt;
  }
  if (values >= 1) event.a = get(trace_, at_ + event_head_bytes, 8);
  if (values == 2) event.b = get(trace_, at_ + event_head_bytes + 8, 8);
  if (event.kind == Kind::bytes_read) {
    if (event.a > bytes_read_max) {
      fail(at_, "a read of " + std::to_string(event.a) + " bytes, more than any worker reads");
      return std::nullopt;
    }
    if (at_ + bytes + event.a > trace_.size()) {
      cut_ = true;
      return std::nullopt;
    }
    event.bytes = trace_.substr(at_ + bytes, event.a);
    bytes += event.a;
  }
  at_ += bytes;
  return event;
}

}  // namespace postable::trace
