#include "integration/server_process.hpp"

#include "support/mailbox_folder.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace postable::testing {
namespace {

std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "postable-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& dir) {
  std::fflush(nullptr);  // or the child's freopen would write our buffered output again
  const pid_t pid = fork();
  if (pid != 0) return pid;
  // A group of its own, signalled whole: a tracer (strace) in front of smtpd cannot detach
  // and leave smtpd running.
  setpgid(0, 0);
  if (chdir(dir.c_str()) != 0) _exit(126);
  if (!freopen("stdout.txt", "w", stdout) || !freopen("stderr.txt", "w", stderr)) _exit(126);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

int wait_for(pid_t pid, std::chrono::milliseconds patience) {
  const auto give_up = std::chrono::steady_clock::now() + patience;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The checker of real runs' traces, where the test is built with it.
const char* trace_checker() {
#ifdef POSTABLE_SMTPSIM
  return POSTABLE_SMTPSIM;
#else
  return nullptr;
#endif
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> flags, std::vector<std::string> prefix,
                             std::string binary, std::filesystem::path dir)
    : dir_(dir.empty() ? make_temp_dir() : dir), owns_dir_(dir.empty()) {
  std::filesystem::remove(dir_ / "stdout.txt");  // an earlier server's `listening on` line
  std::filesystem::remove(dir_ / "stderr.txt");
  std::vector<std::string> argv = std::move(prefix);
  const bool traced = trace_checker() != nullptr && argv.empty() && binary == POSTABLE_SMTPD &&
                      std::find(flags.begin(), flags.end(), "--trace") == flags.end();
  argv.push_back(std::move(binary));
  argv.insert(argv.end(), {"--port", "0", "--dir", dir_.string()});
  if (traced) {  // beside the folder, not in it: tests read the folder whole
    traces_ = dir_.string() + ".traces";
    std::filesystem::create_directories(traces_);
    const auto runs = std::distance(std::filesystem::directory_iterator(traces_), {});
    argv.insert(argv.end(), {"--trace", (traces_ / ("run" + std::to_string(runs))).string()});
  }
  argv.insert(argv.end(), flags.begin(), flags.end());
  pid_ = spawn(argv, dir_);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (port_ == 0) {
    const std::string out = read_whole_file(dir_ / "stdout.txt");
    const std::size_t colon =
        out.find('\n') == std::string::npos ? std::string::npos : out.rfind(':', out.find('\n'));
    if (out.rfind("listening on ", 0) == 0 && colon != std::string::npos) {
      port_ = std::stoi(out.substr(colon + 1));
    } else if (std::chrono::steady_clock::now() > give_up || waitpid(pid_, nullptr, WNOHANG) != 0) {
      throw std::runtime_error("smtpd did not start: " + read_whole_file(dir_ / "stderr.txt"));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

ServerProcess::~ServerProcess() {
  try {
    if (pid_ > 0) stop();
  } catch (const std::exception& e) {  // a destructor cannot fail the test otherwise
    std::fprintf(stderr, "%s\n", e.what());
    std::_Exit(1);
  }
  std::error_code ignored;
  if (owns_dir_) {
    std::filesystem::remove_all(dir_, ignored);
    if (!traces_.empty()) std::filesystem::remove_all(traces_, ignored);
  }
}

// The runs in this folder so far, in order, judged as one: a run killed and the --resume
// runs after it.
void ServerProcess::check_traces() const {
  if (traces_.empty()) return;
  std::vector<std::string> runs;
  for (std::size_t n = 0; std::filesystem::exists(traces_ / ("run" + std::to_string(n))); ++n) {
    runs.push_back((traces_ / ("run" + std::to_string(n))).string());
  }
  runs.insert(runs.begin(), {"check", "--quiet"});
  const Finished checked = run_program(trace_checker(), runs, std::chrono::seconds(60));
  if (checked.status != 0) {
    throw std::runtime_error("smtpsim check of smtpd's trace (exit " +
                             std::to_string(checked.status) + "):\n" + checked.out + checked.err +
                             "smtpd's log:\n" + log());
  }
}

int ServerProcess::kill_now() {
  if (pid_ <= 0) return -1;
  kill(-pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  check_traces();
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int ServerProcess::stop(std::chrono::milliseconds patience) {
  terminate();
  return wait(patience);
}

void ServerProcess::terminate() {
  signal(SIGTERM);
}

void ServerProcess::signal(int number) {
  if (pid_ > 0) kill(-pid_, number);
}

int ServerProcess::wait(std::chrono::milliseconds patience) {
  if (pid_ <= 0) return -1;
  const int status = wait_for(pid_, patience);
  pid_ = -1;
  check_traces();
  return status;
}

std::uint64_t ServerProcess::peak_memory_kib() const {
  const std::string status = read_whole_file("/proc/" + std::to_string(pid_) + "/status");
  const std::size_t at = status.find("VmHWM:");
  if (at == std::string::npos) throw std::runtime_error("no VmHWM for smtpd");
  return std::stoull(status.substr(at + 6));
}

std::string ServerProcess::read_file(const std::string& name) const {
  return read_whole_file(dir_ / name);
}

bool ServerProcess::file_exists(const std::string& name) const {
  return std::filesystem::exists(dir_ / name);
}

std::string ServerProcess::log() const {
  return read_whole_file(dir_ / "stderr.txt");
}

Finished run_program(const std::string& binary, const std::vector<std::string>& flags,
                     std::chrono::seconds patience) {
  const std::filesystem::path dir = make_temp_dir();
  std::vector<std::string> argv{binary};
  argv.insert(argv.end(), flags.begin(), flags.end());
  const pid_t pid = spawn(argv, dir);
  const int status = wait_for(pid, patience);
  Finished finished{status, read_whole_file(dir / "stdout.txt"),
                    read_whole_file(dir / "stderr.txt")};
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return finished;
}

}  // namespace postable::testing
