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

void put_slot(std::string& out, std::uint64_t time_ns, std::uint64_t a, std::uint32_t connection,
              Kind kind, std::uint8_t flags, std::uint16_t c) {
  put(out, time_ns, 8);
  put(out, a, 8);
  put(out, connection, 4);
  put(out, std::uint8_t(kind), 1);
  put(out, flags, 1);
  put(out, c, 2);
}

struct Slot {
  std::uint64_t time_ns, a;
  std::uint32_t connection;
  std::uint8_t kind, flags;
  std::uint16_t c;
};

Slot read_slot(std::string_view in, std::size_t at) {
  return {get(in, at, 8),
          get(in, at + 8, 8),
          std::uint32_t(get(in, at + 16, 4)),
          std::uint8_t(get(in, at + 20, 1)),
          std::uint8_t(get(in, at + 21, 1)),
          std::uint16_t(get(in, at + 22, 2))};
}

}  // namespace

bool has_second_value(Kind kind) {
  return kind == Kind::record_appended || kind == Kind::move_begun || kind == Kind::move_ended;
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
  put_slot(out, event.time_ns, event.a, event.connection, event.kind, event.flags, event.c);
  if (has_second_value(event.kind)) put_slot(out, event.time_ns, event.b, 0, Kind::more, 0, 0);
  if (event.kind == Kind::bytes_read) {
    out.append(event.bytes);
    out.append(padded(event.bytes.size()) - event.bytes.size(), '\0');
  }
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
  const auto whole = [this](std::uint64_t bytes) {
    if (at_ + bytes <= trace_.size()) return true;
    cut_ = true;
    return false;
  };
  if (!whole(slot_bytes)) return std::nullopt;
  const Slot slot = read_slot(trace_, at_);
  if (slot.kind == 0 || slot.kind >= kinds) {
    fail(at_, "an event of no known kind (" + std::to_string(slot.kind) + ")");
    return std::nullopt;
  }
  Event event{slot.time_ns, Kind(slot.kind), slot.connection, slot.flags, slot.c, slot.a, 0, {}};
  std::uint64_t bytes = slot_bytes;
  if (has_second_value(event.kind)) {
    if (!whole(2 * slot_bytes)) return std::nullopt;
    const Slot more = read_slot(trace_, at_ + slot_bytes);
    if (more.kind != std::uint8_t(Kind::more)) {
      fail(at_ + slot_bytes, "an event's second value is missing");
      return std::nullopt;
    }
    event.b = more.a;
    bytes += slot_bytes;
  }
  if (event.kind == Kind::bytes_read) {
    if (event.a > bytes_read_max) {
      fail(at_, "a read of " + std::to_string(event.a) + " bytes, more than any worker reads");
      return std::nullopt;
    }
    if (!whole(bytes + padded(event.a))) return std::nullopt;
    event.bytes = trace_.substr(at_ + bytes, event.a);
    bytes += padded(event.a);
  }
  at_ += bytes;
  return event;
}

}  // namespace postable::trace
