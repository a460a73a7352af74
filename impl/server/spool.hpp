// A worker's spool: the front of a body too long to hold (Session::body_to_spill()), written
// out in its stored form (core/body_quoting.hpp) as it comes, so that a connection holds a
// bounded part of any message. The store then copies it into `mailbox` in the kernel.
//
// The file has no name: O_TMPFILE in the mailbox's folder, or where the file system has none,
// a name made with O_EXCL|O_NOFOLLOW and removed at once. So a crash leaves nothing that
// recovery could take for mail, no other process can reach it, and it lies on the mailbox's
// file system, where copy_file_range() needs no copy through us. It holds one message at a
// time: the next message's first piece starts it again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/body_quoting.hpp"
#include "core/envelope.hpp"
#include "server/folder.hpp"

namespace postable {

class Spool {
 public:
  // A spool in the folder `dir_fd`, opened when the first long body comes (a worker that never
  // sees one costs no descriptor).
  explicit Spool(int dir_fd) : dir_fd_(dir_fd) {}
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // A piece of the body coming in, `offset` body bytes after its start (0: a new message).
  // A failed write (a full disk) is remembered: that message cannot be stored.
  void write(std::string_view piece, std::uint64_t offset);

  // The body of `envelope` as the store appends it: in memory when none of it was spooled,
  // else the rest is spooled after the front, and the spool holds it all but the few bytes
  // the quoting held back. Valid until the next call, and
  // while `envelope` lives (a body that needs no quoting is not copied).
  // nullopt when the spool failed, or does not hold the front of this body.
  std::optional<StoredBody> stored_body(const Envelope& envelope);

  const std::string& last_error() const { return last_error_; }

 private:
  void restart();
  void write_scratch();                // scratch_ to the file's end
  void fail(const char* what);         // with errno's reason
  void fail_because(std::string why);  // the first reason is kept

  int dir_fd_;
  int fd_ = -1;
  BodyQuoter quoter_;
  std::uint64_t body_bytes_ = 0;    // of the message, as sent (the offset of the next piece)
  std::uint64_t stored_bytes_ = 0;  // in the file, quoted
  std::uint64_t file_bytes_ = 0;    // the file's size, which an earlier message may have left
  bool failed_ = false;
  std::string scratch_;  // a piece's stored form, on its way out
  std::string last_error_;
};

}  // namespace postable
