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
