#include "sim/check_run.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <optional>

#include "sim/trace_check.hpp"
#include "sim/trace_order.hpp"

namespace postable::sim {

namespace {

using Clock = std::chrono::steady_clock;

// A trace mapped into memory: reading it in place costs no copy and no memory of its own.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error_ = std::strerror(errno);
      return;
    }
    struct stat info {};
    if (::fstat(fd, &info) == 0 && info.st_size > 0) {
      size_ = std::size_t(info.st_size);
      void* at = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (at == MAP_FAILED) {
        error_ = std::strerror(errno);
        size_ = 0;
      } else {
        data_ = static_cast<const char*>(at);
        ::madvise(at, size_, MADV_SEQUENTIAL);
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const std::string& error() const { return error_; }
  std::string_view view() const { return {data_ == nullptr ? "" : data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::string error_;
};

struct Checked {
  std::uint64_t events = 0;
  bool cut = false;
  std::uint64_t cut_at = 0;
  std::size_t unvouched = 0;  // events of a last round perhaps written in part: not judged
};

// Reads one trace's events in order of time into the checker; 2 on a trace that cannot be read.
int check_one(const std::string& path, std::string_view bytes, TraceChecker& checker,
              const CheckOptions& options, Checked& checked) {
  trace::Reader reader(bytes);
  const auto unreadable = [&path](std::uint64_t offset, const std::string& reason) {
    std::cerr << "smtpsim check: " << path << ": byte " << offset << ": " << reason << "\n";
    return 2;
  };
  if (!reader.header()) {
    if (reader.problem()) return unreadable(reader.problem()->offset, reader.problem()->reason);
    return unreadable(bytes.size(), "the trace ends before its header is whole");
  }
  std::string problem;
  const std::optional<RunHeader> header = read_run_header(*reader.header(), problem);
  if (!header) return unreadable(trace::magic.size(), problem);
  checker.begin(*header);
  TraceOrder order;
  const auto judge = [&checker](const trace::Event& e) { checker.take(e); };
  auto last_progress = Clock::now();
  const auto every = std::chrono::duration<double>(options.progress_every);
  while (const std::optional<trace::Event> event = reader.next()) {
    ++checked.events;  // the clock is read once every 1,024 events
    order.take(*event, judge);
    if (checker.failed()) break;
    if ((checked.events & 0x3ff) == 0 && !options.quiet && Clock::now() - last_progress > every) {
      last_progress = Clock::now();
      std::cerr << "check: " << path << ": " << reader.offset() * 100 / bytes.size() << "%, "
                << checked.events << " events\n";
    }
  }
  if (reader.problem()) return unreadable(reader.problem()->offset, reader.problem()->reason);
  if (!checker.failed()) checked.unvouched = order.finish(judge);
  checked.cut = reader.cut();
  checked.cut_at = reader.offset();
  return 0;
}

void print_summary(const std::string& path, const Checked& checked, const TraceChecker& checker,
                   double wall) {
  const CheckCounts& n = checker.counts();
  std::cout << path << ": " << n.connections << " connections, " << n.acknowledged
            << " messages acknowledged, " << n.refused << " refused; " << checked.events
            << " events (" << n.reads << " reads of " << n.bytes_read << " bytes, " << n.syncs
            << " syncs, " << n.syncs_failed << " failed, " << n.moves << " backups)";
  if (wall > 0) std::cout << "; checked in " << std::fixed << std::setprecision(3) << wall << " s";
  std::cout << "\n";
  if (checked.cut) {
    std::cout << "  the trace was cut at byte " << checked.cut_at
              << ": checked up to its last whole event\n";
  }
  if (checked.unvouched > 0) {
    std::cout << "  the run did not stop whole: its last " << checked.unvouched
              << " events, of a round of writing perhaps cut short, were not judged\n";
  }
}

}  // namespace

int run_check(const CheckOptions& options) {
  std::optional<TraceWriter> timeline;
  if (!options.timeline.empty()) {
    timeline.emplace(options.timeline);
    if (!timeline->ok()) {
      std::cerr << "smtpsim check: cannot write " << options.timeline << "\n";
      return 2;
    }
  }
  TraceChecker checker(std::chrono::duration_cast<Duration>(
                           std::chrono::duration<double, std::milli>(options.slack_ms)),
                       timeline ? &*timeline : nullptr);
  for (const std::string& path : options.traces) {
    const MappedFile file(path);
    if (!file.error().empty()) {
      std::cerr << "smtpsim check: cannot read " << path << ": " << file.error() << "\n";
      return 2;
    }
    const auto start = Clock::now();
    Checked checked;
    const int status = check_one(path, file.view(), checker, options, checked);
    if (status != 0) return status;
    if (!options.quiet) {
      print_summary(path, checked, checker,
                    std::chrono::duration<double>(Clock::now() - start).count());
    }
    if (checker.failed()) {
      std::cout << checker.report() << "verdict: a promise was broken\n";
      return 1;
    }
  }
  std::cout << (checker.stopped()
                    ? "verdict: every promise held\n"
                    : "verdict: every promise held up to the trace's end; the run did not stop "
                      "whole (killed, or its trace cut), so the end's checks were not made\n");
  return 0;
}

}  // namespace postable::sim
