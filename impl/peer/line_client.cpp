#include "peer/line_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace postable::peer {

namespace {
constexpr std::size_t transcript_bytes_max = 16 * 1024;
}

LineClient::LineClient(const std::string& host, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    throw std::runtime_error("not an IPv4 address: " + host);
  }
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // fragments go out as sent
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const std::string why = strerror(errno);
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " + why);
  }
}

LineClient::~LineClient() {
  close();
}

void LineClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void LineClient::shutdown_sending() {
  ::shutdown(fd_, SHUT_WR);
}

void LineClient::note(const char* who, std::string_view bytes) {
  if (transcript_.size() > transcript_bytes_max) return;
  std::string line = std::string(who);
  for (char c : bytes.substr(0, 400)) {
    if (c == '\n')
      line += "\\n";
    else if (c == '\r')
      line += "\\r";
    else if (c < 0x20 || c > 0x7e)
      line += '?';
    else
      line += c;
  }
  if (bytes.size() > 400) line += "... (" + std::to_string(bytes.size()) + " bytes)";
  transcript_ += line + "\n";
}

bool LineClient::send(std::string_view bytes, Fragmentation how, Rng& rng) {
  note("C: ", bytes);
  std::size_t done = 0;
  while (done < bytes.size()) {
    std::size_t piece = bytes.size() - done;
    if (how == Fragmentation::byte_by_byte) piece = 1;
    if (how == Fragmentation::random_splits) piece = std::size_t(rng.between(1, piece));
    const ssize_t sent = ::send(fd_, bytes.data() + done, piece, MSG_NOSIGNAL);
    if (sent <= 0) {
      if (sent < 0 && errno == EINTR) continue;
      return false;
    }
    done += std::size_t(sent);
  }
  return true;
}

bool LineClient::send(std::string_view bytes) {
  Rng unused(0);  // whole sends draw nothing
  return send(bytes, Fragmentation::whole, unused);
}

bool LineClient::fill(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return false;
  pollfd watch{fd_, POLLIN, 0};
  if (poll(&watch, 1, int(left)) <= 0) return true;
  char chunk[16 * 1024];
  const ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
  if (got <= 0)
    eof_ = true;
  else
    buffered_.append(chunk, std::size_t(got));
  return true;
}

std::optional<std::string> LineClient::read_line(Clock::time_point deadline) {
  for (;;) {
    const std::size_t end = buffered_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffered_.substr(0, end);
      buffered_.erase(0, end + 2);
      note("S: ", line);
      return line;
    }
    if (eof_ || !fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> LineClient::reply(std::chrono::milliseconds wait) {
  return read_line(Clock::now() + wait);
}

std::string LineClient::ask(const std::string& line) {
  send_line(line);
  return reply().value_or("");
}

bool LineClient::closed_by_server(Clock::time_point deadline) {
  while (!eof_ && buffered_.empty()) {
    if (!fill(deadline)) return false;
  }
  return eof_ && buffered_.empty();
}

}  // namespace postable::peer
