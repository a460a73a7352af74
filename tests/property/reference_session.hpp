// An independent reading of shared/spec/protocol.md, written by hand from the text alone:
// it uses neither the model nor the core. The model-based test demands that the real
// session, driven by the generated table, answer exactly as this does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace postable::testing {

class ReferenceSession {
 public:
  struct Config {
    std::string name = "postable";
    bool strict = false;
    std::size_t recipients_max = 3;
    std::uint64_t message_bytes_max = 64;
    std::int64_t timeout_ms = 10000;
    std::uint64_t error_limit = 20;  // 0: none
    std::uint64_t junk_limit = 100;
  };

  explicit ReferenceSession(Config config);

  std::string greeting() const;
  std::string command(std::string_view line);  // one command line, without its CRLF
  // The end of a message whose lines (as meant, before dot-stuffing) the client sent.
  std::string message(const std::vector<std::string>& lines);
  std::string pause(std::int64_t ms);  // the clock moves on; "" or the timeout reply
  void close();
  std::string reconnect();  // a new connection: the mailbox and its numbering go on

  bool closed() const { return phase_ == Phase::closed; }
  bool in_data() const { return phase_ == Phase::data; }
  std::int64_t ms_left() const { return config_.timeout_ms - elapsed_ms_; }
  const std::string& mailbox() const { return mailbox_; }

 private:
  enum class Phase { ready, hello, mail, rcpt, data, closed };

  std::string hello_verb(std::string_view verb, std::string_view rest);
  std::string mail(std::string_view rest);
  std::string rcpt(std::string_view rest);
  std::string data(std::string_view rest);
  std::string forward(std::string reply);  // a step forward: the clock starts again
  std::string answer(std::string_view line);
  // "Limits on a session": counts the reply (and a NOOP or RSET past the junk limit) and
  // adds the 421 when the errors reach the limit.
  std::string counted(std::string reply, bool junk);

  Config config_;
  Phase phase_ = Phase::ready;
  std::string helo_;
  std::string sender_;
  std::vector<std::string> recipients_;
  std::uint64_t delivered_ = 0;
  std::string mailbox_;
  std::int64_t elapsed_ms_ = 0;
  std::uint64_t errors_ = 0;
  std::uint64_t junk_ = 0;
};

}  // namespace postable::testing
