// What one fdatasync of a small append adds to a request and its reply on this machine, as
// the durable bench's bound for one sequential session needs it. A sync is not only its own
// time: while it runs both CPUs may fall idle, and waking them (a halted virtual CPU, above
// all) costs time a server cannot avoid. So the probe plays the smallest server there is, a
// reply to each request over loopback, first without and then with an append and a sync
// before the reply, in alternating rounds, and prints the medians:
//
//   sync_probe FOLDER [REQUESTS] [ROUNDS]
//   -> round_trip_us 61.2 synced_round_trip_us 240.3 sync_us 163.9 adds_us 179.1
//
// The replier runs on CPU 1 and the requester on CPU 0, as the bench pins a server and
// smtp-source (when the machine has two CPUs).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

void pin_to(unsigned cpu) {
  if (std::thread::hardware_concurrency() < 2) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

void no_delay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A listening socket on a free loopback port; its port through `address`.
int listen_on_loopback(sockaddr_in& address) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 || listen(fd, 1)) {
    throw std::runtime_error("cannot listen on loopback");
  }
  return fd;
}

struct Round {
  double round_trip_us = 0;  // mean over the round's requests
  double sync_us = 0;        // the replier's mean fdatasync time (0 without syncs)
};

// The replier: a 40-byte reply to each request, after appending 300 bytes to `file` and
// syncing it when `sync` is set. Returns its mean sync time.
double reply_to_each(int listener, int file, bool sync) {
  pin_to(1);
  const int connection = accept(listener, nullptr, nullptr);
  no_delay(connection);
  std::array<char, 512> buffer{};
  Clock::duration synced{};
  long syncs = 0;
  while (recv(connection, buffer.data(), buffer.size(), 0) > 0) {
    if (sync) {
      if (write(file, buffer.data(), 300) != 300) throw std::runtime_error("cannot append");
      const auto start = Clock::now();
      if (fdatasync(file) != 0) throw std::runtime_error("cannot sync");
      synced += Clock::now() - start;
      ++syncs;
    }
    if (send(connection, buffer.data(), 40, MSG_NOSIGNAL) != 40) break;
  }
  close(connection);
  return syncs > 0 ? micros(synced) / double(syncs) : 0.0;
}

Round run_round(const std::string& folder, int requests, bool sync) {
  sockaddr_in address{};
  const int listener = listen_on_loopback(address);
  const std::string path = folder + "/sync-probe";
  const int file = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
  if (file < 0) throw std::runtime_error("cannot create " + path);
  Round round;
  std::thread replier([&] { round.sync_us = reply_to_each(listener, file, sync); });
  pin_to(0);
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("cannot connect");
  }
  no_delay(fd);
  std::array<char, 512> buffer{};
  buffer.fill('x');
  const auto start = Clock::now();
  for (int i = 0; i < requests; ++i) {
    if (send(fd, buffer.data(), 300, MSG_NOSIGNAL) != 300 ||
        recv(fd, buffer.data(), buffer.size(), 0) <= 0) {
      throw std::runtime_error("the replier went away");
    }
  }
  round.round_trip_us = micros(Clock::now() - start) / requests;
  close(fd);
  replier.join();
  close(file);
  close(listener);
  unlink(path.c_str());
  return round;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: sync_probe FOLDER [REQUESTS] [ROUNDS]\n");
    return 2;
  }
  const int requests = argc > 2 ? std::stoi(argv[2]) : 1000;
  const int rounds = argc > 3 ? std::stoi(argv[3]) : 5;
  if (requests < 1 || rounds < 1) throw std::invalid_argument("REQUESTS and ROUNDS must be >= 1");
  std::vector<double> plain, synced, syncs, adds;
  for (int i = 0; i < rounds; ++i) {
    const Round without = run_round(argv[1], requests, false);
    const Round with = run_round(argv[1], requests, true);
    plain.push_back(without.round_trip_us);
    synced.push_back(with.round_trip_us);
    syncs.push_back(with.sync_us);
    adds.push_back(with.round_trip_us - without.round_trip_us);
  }
  std::printf("round_trip_us %.1f synced_round_trip_us %.1f sync_us %.1f adds_us %.1f\n",
              median(plain), median(synced), median(syncs), median(adds));
  return 0;
} catch (const std::exception& error) {
  std::fprintf(stderr, "sync_probe: %s\n", error.what());
  return 1;
}
