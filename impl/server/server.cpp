#include "server/server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/folder_layout.hpp"
#include "server/connection.hpp"
#include "server/drain.hpp"
#include "server/file_store.hpp"
#include "server/mailbox.hpp"
#include "server/pool.hpp"
#include "server/posix_folder.hpp"
#include "server/signal_watch.hpp"
#include "server/socket.hpp"
#include "server/trace_sink.hpp"
#include "server/tracer.hpp"

namespace postable {
namespace {

constexpr std::size_t read_buffer_bytes = 64 * 1024;

// One writer at a time on stderr, so log lines never interleave.
class Log {
 public:
  explicit Log(bool quiet) : quiet_(quiet) {}
  void line(const std::string& text) {
    if (quiet_) return;
    std::lock_guard lock(mutex_);
    std::cerr << text << '\n';
  }
  // Said whatever --quiet says: it is not about one connection.
  void always(const std::string& text) {
    std::lock_guard lock(mutex_);
    std::cerr << text << '\n';
  }
  void error(const std::string& text) {
    std::lock_guard lock(mutex_);
    std::cerr << "smtpd: " << text << '\n';
  }

 private:
  bool quiet_;
  std::mutex mutex_;
};

// SIGINT and SIGTERM arrive on a file descriptor that the acceptor polls.
Fd block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // A shell starts background jobs with SIGINT ignored; an ignored signal never reaches
  // the signalfd, so take the default back before blocking.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // every thread started later inherits this
  Fd fd(signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd) throw std::runtime_error(std::string("cannot watch signals: ") + strerror(errno));
  return fd;
}

// Accepts one connection when the listener has one; nullopt when a stop signal came.
// Transient accept errors (out of descriptors, aborted handshakes) are survived. Like a
// worker (receive() in connection.cpp), the acceptor first looks for `busy_poll` without
// sleeping: a connecting client then finds nobody asleep on the listener to wake.
std::optional<Connection> accept_one(const Listener& listener, int stop_fd, Duration busy_poll,
                                     Log& log) {
  bool told_about_descriptors = false;
  const Instant look_until = monotonic_now() + busy_poll;
  for (;;) {
    const bool looking = monotonic_now() < look_until;
    std::array<pollfd, 2> watch{{{listener.fd(), POLLIN, 0}, {stop_fd, POLLIN, 0}}};
    if (poll(watch.data(), watch.size(), looking ? 0 : -1) < 0 && errno != EINTR) {
      return std::nullopt;
    }
    if (watch[1].revents != 0) return std::nullopt;
    if (watch[0].revents == 0) {
      if (looking) sched_yield();
      continue;
    }
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int fd = accept4(listener.fd(), reinterpret_cast<sockaddr*>(&peer), &length,
                           SOCK_CLOEXEC);  // blocking: see receive() in connection.cpp
    if (fd >= 0) {
      // Replies go out as soon as they are complete: without this, a reply written right
      // after another (the 250 after a stored message) waits for the peer's delayed ACK.
      const int on = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      return Connection{Fd(fd), describe_peer(&peer)};
    }
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
      if (!told_about_descriptors) log.error(std::string("accept: ") + strerror(errno));
      told_about_descriptors = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // back off, then retry
    } else if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
      log.error(std::string("accept: ") + strerror(errno));
    }
  }
}

// The assignment's empty start, or --resume: recovery's plan carried out, each step logged.
MailboxStart open_mailbox(const ServerConfig& config, FileStore& store, Log& log) {
  if (!config.resume) {
    store.start_fresh();
    return {};
  }
  const RecoveryPlan plan = store.resume();
  for (const std::string& note : plan.notes) log.line("resume: " + note);
  log.line("resume: " + std::to_string(plan.stored) + " message(s) stored, through " +
           std::to_string(plan.backed_up) + " in backups; the next is " +
           std::to_string(plan.stored + 1));
  return {plan.stored, plan.backed_up, plan.live_bytes};
}

// protocol.md, "Shutdown": no new connections; each session is told as soon as it is
// between messages; whatever is still open when the drain's time is up is told and closed.
void drain_sessions(Drain& drain, Pool<Connection>& pool, Duration drain_time, Log& log,
                    const Tracer& tracer) {
  const auto drain_ends = std::chrono::steady_clock::now() + drain_time;
  drain.stop();
  pool.stop();
  log.line("stopping: no new connections; sessions are told once between messages");
  if (!drain.wait_for_workers(drain_ends)) {
    log.line("stopping: the drain is over; the sessions still open are closed");
    tracer.server(trace::Kind::drain_over);
    drain.end_drain();
  }
}

// A trace never takes the place of a mailbox file: a --trace that names one in --dir is
// refused before anything is opened (the sink would empty it).
void refuse_trace_over_mailbox(const ServerConfig& config) {
  if (config.trace.empty()) return;
  std::error_code ignored;
  const std::filesystem::path folder = std::filesystem::weakly_canonical(config.dir, ignored);
  const std::filesystem::path trace = std::filesystem::weakly_canonical(config.trace, ignored);
  if (trace.parent_path() == folder &&
      read_mailbox_name(trace.filename().string()).kind != MailboxName::other) {
    throw std::runtime_error("--trace " + config.trace.string() +
                             ": a file of the mailbox, which the trace would overwrite");
  }
}

// The trace's header: what the server ran with (all a checker needs to replay its sessions),
// and what its start found.
std::string trace_header(const ServerConfig& config, const MailboxStart& start) {
  const SessionConfig& session = config.session;
  const auto line = [](std::string_view key, auto value) {
    return std::string(key) + "=" + std::to_string(value) + "\n";
  };
  return "smtpd\nname=" + session.name + "\n" + line("strict", int(session.strict)) +
         line("timeout_ns", session.timeout.count()) +
         line("message_bytes_max", session.message_bytes_max) +
         line("recipients_max", session.recipients_max) +
         line("line_bytes_max", session.line_bytes_max) + line("error_limit", session.error_limit) +
         line("junk_limit", session.junk_limit) + line("threads", config.threads) +
         line("backup_every", config.backup_every) + line("drain_ns", config.drain.count()) +
         line("durable", int(config.durability == Durability::sync)) +
         line("resume", int(config.resume)) + line("stored", start.stored) +
         line("backed_up", start.backed_up) + line("live_bytes", start.live_bytes);
}

// The workers: each serves the connections the pool hands it, until the pool stops.
std::vector<std::thread> start_workers(const ServerConfig& config, Pool<Connection>& pool,
                                       Drain& drain, PosixFolder& folder, const Deliver& deliver,
                                       const Tracer& tracer, Log& log) {
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < config.threads; ++i) {
    workers.emplace_back([&, i] {
      std::vector<char> buffer(read_buffer_bytes);
      Spool spool(folder.fd());
      ConnectionContext context{buffer, config.busy_poll, {drain, i}, spool, tracer};
      while (std::optional<Connection> connection = pool.next_connection()) {
        const ConnectionReport report =
            serve_connection(*connection, config.session, deliver, context);
        log.line(connection->peer + ": " + std::to_string(report.messages) + " message(s); " +
                 report.ending);
      }
      drain.worker_left();
    });
  }
  return workers;
}

// The acceptor: accepts only while a worker is idle, until the stop signal reaches the pool.
void accept_until_stopped(Listener& listener, Pool<Connection>& pool, int stop_signal,
                          const ServerConfig& config, const Tracer& tracer, Log& log) {
  const SignalWatch signal_watch(stop_signal, [&] {
    tracer.server(trace::Kind::stop_signal);
    pool.stop();
  });
  std::uint32_t accepted = 0;
  while (pool.wait_for_idle_worker()) {
    std::optional<Connection> connection = accept_one(listener, stop_signal, config.busy_poll, log);
    if (!connection) {
      pool.accept_ended();
      break;
    }
    connection->id = ++accepted;
    if (tracer.on()) tracer.accepted(connection->id, pool.idle_workers());
    pool.hand_off(std::move(*connection));
  }
}

void report_stopped(FileStore& store, PosixFolder& folder, std::uint64_t delivered, Log& log) {
  const std::uint64_t syncs = store.data_syncs();
  const auto sync_us = syncs == 0 ? 0 : store.sync_time() / std::chrono::microseconds(1) / syncs;
  const CopyCounts& copies = folder.copies();
  const std::string spooled = copies.in_kernel + copies.through_buffer == 0
                                  ? ""
                                  : "; long bodies: " + std::to_string(copies.in_kernel) +
                                        " bytes copied in the kernel, " +
                                        std::to_string(copies.through_buffer) + " through a buffer";
  log.always("stopped: " + std::to_string(delivered) + " message(s) stored with " +
             std::to_string(syncs) + " sync(s), " + std::to_string(sync_us) + " us each" + spooled);
}

}  // namespace

int run_server(const ServerConfig& config) {
  Log log(config.quiet);
  refuse_trace_over_mailbox(config);
  Fd stop_signal = block_stop_signals();
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);  // a file-size limit makes writes fail (and answer 451), not kill us
  Listener listener(config.bind, config.port);
  PosixFolder folder(config.dir);
  FileStore store(folder, config.durability);
  const MailboxStart start = open_mailbox(config, store, log);
  std::optional<TraceSink> sink;  // outlives every producer: declared before them
  if (!config.trace.empty()) {
    sink.emplace(config.trace, trace_header(config, start),
                 config.threads + Tracer::producers_beyond_workers,
                 [&log](const std::string& line) { log.error(line); });
  }
  const Tracer tracer(sink ? &*sink : nullptr, config.threads);
  std::cout << "listening on " << listener.local_address() << std::endl;

  Mailbox<FileStore> mailbox(
      store, config.backup_every, config.session.name,
      [&](const std::string& text) { log.error(text); }, start);
  mailbox.trace_to(&tracer);
  std::thread backup([&] { mailbox.run_backups(); });

  Pool<Connection> pool(config.threads);
  std::atomic<std::uint64_t> delivered = 0;
  const Deliver deliver = [&](const Envelope& envelope, const StoredBody& body,
                              std::uint32_t connection) {
    const std::optional<std::uint64_t> number = mailbox.deliver(envelope, body, connection);
    if (number) delivered.fetch_add(1, std::memory_order_relaxed);
    return number;
  };
  Drain drain(config.threads);
  std::vector<std::thread> workers =
      start_workers(config, pool, drain, folder, deliver, tracer, log);
  accept_until_stopped(listener, pool, stop_signal.get(), config, tracer, log);
  drain_sessions(drain, pool, config.drain, log, tracer);
  for (std::thread& worker : workers) worker.join();
  mailbox.stop();
  backup.join();
  report_stopped(store, folder, delivered.load(), log);
  tracer.server(trace::Kind::server_stopped);
  return 0;
}

}  // namespace postable
