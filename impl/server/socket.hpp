// Sockets as owned values, and the listening socket of the server.
#pragma once

#include <cstdint>
#include <string>

namespace postable {

// Owns a file descriptor; closes it once.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release();
  void reset();

 private:
  int fd_ = -1;
};

// An accepted connection and who is on the other end.
struct Connection {
  Fd socket;
  std::string peer;      // "127.0.0.1:54321"
  std::uint32_t id = 0;  // the acceptor's count, from 1: its name in the trace
};

// A non-blocking TCP listening socket with a SOMAXCONN backlog, so bursts wait in the
// kernel instead of being reset. Throws std::runtime_error with a one-line reason.
class Listener {
 public:
  Listener(const std::string& address, std::uint16_t port);
  int fd() const { return fd_.get(); }
  std::string local_address() const;  // "127.0.0.1:8765", with the port the kernel chose

 private:
  Fd fd_;
};

std::string describe_peer(const void* sockaddr_storage);

}  // namespace postable
