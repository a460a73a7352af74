#include "client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace postable::testing {

Client::Client(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(std::uint16_t(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
}

Client::~Client() {
  close();
}

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Client::send(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    done += std::size_t(n);
  }
}

bool Client::fill(std::chrono::steady_clock::time_point give_up) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      give_up - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd watch{fd_, POLLIN, 0};
  if (poll(&watch, 1, int(left.count())) <= 0) return true;
  char chunk[4096];
  const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0)
    eof_ = true;
  else
    buffered_.append(chunk, std::size_t(n));
  return true;
}

std::optional<std::string> Client::reply(std::chrono::milliseconds wait) {
  const auto give_up = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const std::size_t end = buffered_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffered_.substr(0, end);
      buffered_.erase(0, end + 2);
      return line;
    }
    if (eof_ || !fill(give_up)) return std::nullopt;
  }
}

std::string Client::ask(const std::string& line) {
  send_line(line);
  return reply().value_or("");
}

bool Client::closed_by_server(std::chrono::milliseconds wait) {
  const auto give_up = std::chrono::steady_clock::now() + wait;
  while (!eof_) {
    if (!fill(give_up)) return false;
  }
  return true;
}

void Client::shutdown_sending() {
  ::shutdown(fd_, SHUT_WR);
}

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

}  // namespace postable::testing
