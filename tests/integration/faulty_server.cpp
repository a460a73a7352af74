// A deliberately broken SMTP server, for showing that multiclient notices. It serves one
// connection at a time with the real Session and file store, then breaks one thing:
//   --fault none           nothing (the control: multiclient must pass against it)
//   --fault wrong-reply    answers RCPT with `250 OK` instead of the model's reply
//   --fault skip-number    gives message 4 the number 5
//   --fault repeat-number  gives message 3 the number 2 again
//   --fault reorder        writes message 3 before message 2 in the mailbox
// Flags as smtpd's where they matter: --port 0 prints `listening on ADDR:PORT`, --dir.
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "core/record.hpp"
#include "server/connection.hpp"
#include "server/file_store.hpp"
#include "server/posix_folder.hpp"
#include "server/socket.hpp"

using namespace postable;

namespace {

struct Faults {
  std::string fault = "none";
  std::uint64_t next_number = 1;
  std::optional<std::string> held_record;  // reorder: message 2, written after message 3

  std::uint64_t number() {
    std::uint64_t n = next_number++;
    if (fault == "skip-number" && n == 4) n = next_number++;
    if (fault == "repeat-number" && n == 3) n = 2;
    return n;
  }
  void store(FileStore& store, const std::string& record, std::uint64_t n) {
    if (fault == "reorder" && n == 2) {
      held_record = record;
      return;
    }
    store.append(record, {}, "");
    if (held_record && n == 3) {
      store.append(*held_record, {}, "");
      held_record.reset();
    }
  }
  void rewrite(std::string& output) const {
    const std::string right = "250 2.1.5 OK\r\n";
    if (fault != "wrong-reply") return;
    for (std::size_t at = output.find(right); at != std::string::npos; at = output.find(right)) {
      output.replace(at, right.size(), "250 OK\r\n");
    }
  }
};

void serve(int fd, Faults& faults, FileStore& store, const SessionConfig& config) {
  Session session(config, monotonic_now());
  char buffer[16 * 1024];
  for (;;) {
    std::string output = session.output();
    session.clear_output();
    faults.rewrite(output);
    if (send(fd, output.data(), output.size(), MSG_NOSIGNAL) < 0) return;
    if (session.closed()) return;
    if (session.awaiting_delivery()) {
      const Envelope envelope = *session.take_delivery();
      const std::uint64_t n = faults.number();
      faults.store(store, format_record(envelope, n, config.name), n);
      session.on_delivered(n, monotonic_now());
      continue;
    }
    pollfd watch{fd, POLLIN, 0};
    const auto left = *session.deadline() - monotonic_now();
    if (poll(&watch, 1,
             int(std::chrono::duration_cast<std::chrono::milliseconds>(left).count()) + 1) <= 0) {
      if (monotonic_now() >= *session.deadline()) session.on_timeout(monotonic_now());
      continue;
    }
    const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got > 0)
      session.feed(std::string_view(buffer, std::size_t(got)), monotonic_now());
    else
      session.on_eof(monotonic_now());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Faults faults;
  std::string dir = ".";
  std::uint16_t port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--fault") faults.fault = argv[i + 1];
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--port") port = std::uint16_t(std::stoi(argv[i + 1]));
  }
  Listener listener("127.0.0.1", port);
  PosixFolder folder(dir);
  FileStore store(folder, Durability::none);
  store.start_fresh();
  std::cout << "listening on " << listener.local_address() << std::endl;
  SessionConfig config;
  for (;;) {
    pollfd watch{listener.fd(), POLLIN, 0};
    poll(&watch, 1, -1);
    const int fd = accept(listener.fd(), nullptr, nullptr);
    if (fd < 0) continue;
    Fd owned(fd);
    serve(fd, faults, store, config);
  }
}
