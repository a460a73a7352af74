// Runs the real smtpd binary for a test: in a fresh temporary folder, on a free port, with
// the given flags; stops it with SIGTERM and reports how it exited. Where the test is built
// with the checker (POSTABLE_SMTPSIM), every run of the real smtpd is traced and, once it has
// ended, its trace is judged by `smtpsim check` (with the traces of the runs before it in the
// same folder: a crash, then --resume): a broken promise fails the test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace postable::testing {

class ServerProcess {
 public:
  // `prefix` runs before smtpd (e.g. {"prlimit", "--fsize=2000", "--"}); `binary` may name
  // another server that takes --port 0 and --dir the same way; `dir`, when given, is the
  // folder of an earlier server to start again in (a restart after a crash), which this one
  // leaves in place; a folder it made itself goes with it.
  explicit ServerProcess(std::vector<std::string> flags, std::vector<std::string> prefix = {},
                         std::string binary = POSTABLE_SMTPD, std::filesystem::path dir = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string read_file(const std::string& name) const;  // "" when absent
  bool file_exists(const std::string& name) const;

  // SIGTERM, then waits; returns the exit status (-1 if it had to be killed).
  int stop(std::chrono::milliseconds patience = std::chrono::seconds(15));
  void terminate();  // SIGTERM alone
  void signal(int number);
  int wait(std::chrono::milliseconds patience = std::chrono::seconds(15));
  std::string log() const;  // what smtpd wrote on stderr
  // The most memory smtpd has held so far (VmHWM, its peak resident set), in KiB.
  std::uint64_t peak_memory_kib() const;
  // SIGKILL, then waits: a crash of the process. Returns 128 + the signal.
  int kill_now();

 private:
  void check_traces() const;  // throws std::runtime_error with the checker's report

  std::filesystem::path dir_;
  std::filesystem::path traces_;  // where this folder's runs write their traces (or empty)
  bool owns_dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Runs a program with these arguments to its end (in a scratch folder), with its output.
struct Finished {
  int status;
  std::string out;
  std::string err;
};
Finished run_program(const std::string& binary, const std::vector<std::string>& flags,
                     std::chrono::seconds patience = std::chrono::seconds(10));
inline Finished run_smtpd(const std::vector<std::string>& flags) {
  return run_program(POSTABLE_SMTPD, flags);
}

}  // namespace postable::testing
