// A small blocking SMTP test client over a loopback socket: send bytes, read reply lines
// with a deadline, and notice when the server closes.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace postable::testing {

class Client {
 public:
  explicit Client(int port);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void send(const std::string& bytes);
  void send_line(const std::string& line) { send(line + "\r\n"); }
  // The next reply line (without CRLF), or nullopt if none came in time or the server closed.
  std::optional<std::string> reply(std::chrono::milliseconds wait = std::chrono::seconds(10));
  // Sends a line and returns the reply to it ("" when none came).
  std::string ask(const std::string& line);
  bool closed_by_server(std::chrono::milliseconds wait = std::chrono::seconds(10));
  void shutdown_sending();
  void close();

 private:
  bool fill(std::chrono::steady_clock::time_point give_up);  // one read; false on time-out

  int fd_ = -1;
  std::string buffered_;
  bool eof_ = false;
};

// A whole delivery on an open, greeted-and-HELOed client; returns the final reply.
std::string send_message(Client& client, const std::string& from, const std::string& to,
                         const std::vector<std::string>& body_lines);

}  // namespace postable::testing
