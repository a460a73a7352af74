#include "record.hpp"

namespace postable {

namespace {

// At least the head's length (its fixed text and a 20-digit number are under 80 bytes), so
// that it is written into one allocation.
std::size_t head_bytes(const Envelope& envelope, std::string_view server_name) {
  std::size_t bytes = 80 + envelope.helo.size() + server_name.size() + envelope.sender.size();
  for (const std::string& recipient : envelope.recipients) bytes += 5 + recipient.size();
  return bytes;
}

void append_head(std::string& out, const Envelope& envelope, std::uint64_t number,
                 std::string_view server_name) {
  out.append("Received: from ").append(envelope.helo);
  out.append(" by ").append(server_name).append(" (CS4410MP3)\n");
  out.append("Number: ").append(std::to_string(number)).append("\n");
  out.append("From: ").append(envelope.sender).append("\n");
  for (const std::string& recipient : envelope.recipients) {
    out.append("To: ").append(recipient).append("\n");
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
  out.append(envelope.body).append(record_end);
}

std::string format_record(const Envelope& envelope, std::uint64_t number,
                          std::string_view server_name) {
  std::string out;
  out.reserve(head_bytes(envelope, server_name) + envelope.body.size() + record_end.size());
  append_record(out, envelope, number, server_name);
  return out;
}

}  // namespace postable
