#include "integration/smtp_steps.hpp"

#include <thread>

#include "core/record.hpp"

namespace postable::testing {

using namespace std::chrono_literals;

std::string send_message(Client& client, const std::string& from, const std::string& to,
                         const std::vector<std::string>& body_lines) {
  if (client.ask("MAIL FROM: " + from) != "250 2.1.0 OK") return "MAIL refused";
  if (client.ask("RCPT TO: " + to) != "250 2.1.5 OK") return "RCPT refused";
  if (client.ask("DATA").rfind("354", 0) != 0) return "DATA refused";
  std::string body;
  for (const std::string& line : body_lines)
    body += (line.starts_with('.') ? "." : "") + line + "\r\n";
  client.send(body + ".\r\n");
  return client.reply().value_or("");
}

std::vector<std::string> long_body(std::size_t bytes, const std::string& first) {
  static const std::vector<std::string> kinds = {"",
                                                 ".",
                                                 ".leading dot",
                                                 "Received: from x by postable (CS4410MP3)",
                                                 ">Received: quoted",
                                                 "Number: 7",
                                                 std::string(998, 'w'),
                                                 "short",
                                                 std::string(77, 'x') + " words"};
  std::vector<std::string> lines{first};
  std::size_t total = first.size() + 2;
  for (std::size_t i = 0;; ++i) {
    const std::string& line = kinds[(i * 7 + i / kinds.size()) % kinds.size()];
    const std::size_t sent = line.size() + (line.starts_with('.') ? 1 : 0) + 2;  // stuffed
    if (total + sent > bytes) return lines;
    lines.push_back(line);
    total += sent;
  }
}

std::string stored_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out.append(line).append("\n");
  return out;
}

std::string check_records(const std::string& file, const std::map<int, std::string>& bodies) {
  const ParsedRecords parsed = parse_records(file);
  if (!parsed.problem.empty()) return parsed.problem;
  if (parsed.records.size() != bodies.size()) {
    return std::to_string(parsed.records.size()) + " records for " + std::to_string(bodies.size()) +
           " messages";
  }
  std::string written;
  for (const ParsedRecord& record : parsed.records) {
    const auto sent = bodies.find(int(record.number));
    if (sent == bodies.end() || sent->second != record.envelope.body) {
      return "message " + std::to_string(record.number) + " is not the body sent";
    }
    append_record(written, record.envelope, record.number, record.server_name);
  }
  return written == file ? "" : "the file is not the records as format_record() writes them";
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool eventually_exists(const ServerProcess& server, const std::string& name,
                       std::chrono::milliseconds patience) {
  const auto give_up = Clock::now() + patience;
  while (!server.file_exists(name)) {
    if (Clock::now() > give_up) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

std::vector<int> numbers_in(const std::string& text) {
  std::vector<int> numbers;
  const ParsedRecords parsed = parse_records(text);
  for (const ParsedRecord& record : parsed.records) numbers.push_back(int(record.number));
  if (!parsed.problem.empty()) numbers.push_back(0);
  return numbers;
}

std::vector<int> range(int first, int last) {
  std::vector<int> out;
  for (int n = first; n <= last; ++n) out.push_back(n);
  return out;
}

}  // namespace postable::testing
