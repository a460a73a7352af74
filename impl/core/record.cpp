#include "record.hpp"

namespace postable {

std::string format_record_head(const Envelope& envelope, std::uint64_t number,
                               std::string_view server_name) {
  std::string out;
  out.append("Received: from ").append(envelope.helo);
  out.append(" by ").append(server_name).append(" (CS4410MP3)\n");
  out.append("Number: ").append(std::to_string(number)).append("\n");
  out.append("From: ").append(envelope.sender).append("\n");
  for (const std::string& recipient : envelope.recipients) {
    out.append("To: ").append(recipient).append("\n");
  }
  out.append("\n");
  return out;
}

void append_record(std::string& out, const Envelope& envelope, std::uint64_t number,
                   std::string_view server_name) {
  out.append(format_record_head(envelope, number, server_name));
  out.append(envelope.body).append(record_end);
}

std::string format_record(const Envelope& envelope, std::uint64_t number,
                          std::string_view server_name) {
  std::string out;
  append_record(out, envelope, number, server_name);
  return out;
}

}  // namespace postable
