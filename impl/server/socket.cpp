#include "server/socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace postable {

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

int Fd::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void Fd::reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

std::string describe_peer(const void* storage) {
  const auto* address = static_cast<const sockaddr_in*>(storage);
  char text[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &address->sin_addr, text, sizeof text);
  return std::string(text) + ":" + std::to_string(ntohs(address->sin_port));
}

Listener::Listener(const std::string& address, std::uint16_t port) {
  const std::string where = address + ":" + std::to_string(port);
  sockaddr_in bind_to{};
  bind_to.sin_family = AF_INET;
  bind_to.sin_port = htons(port);
  if (inet_pton(AF_INET, address.c_str(), &bind_to.sin_addr) != 1) {
    throw std::runtime_error("cannot listen on " + where + ": not an IPv4 address");
  }
  fd_ = Fd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd_) throw std::runtime_error("cannot create a socket: " + std::string(strerror(errno)));
  const int on = 1;
  setsockopt(fd_.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (bind(fd_.get(), reinterpret_cast<const sockaddr*>(&bind_to), sizeof bind_to) != 0 ||
      listen(fd_.get(), SOMAXCONN) != 0) {
    throw std::runtime_error("cannot listen on " + where + ": " + strerror(errno));
  }
}

std::string Listener::local_address() const {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&storage), &length);
  return describe_peer(&storage);
}

}  // namespace postable
