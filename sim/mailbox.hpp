// The mailbox of the simulated server: the very MailboxMachine smtpd's monitor runs
// (core/mailbox_machine.hpp), driven over the agenda instead of threads. Deliveries sleep
// where the machine says wait (a backup due or moving, a sync that may cover them), yield a
// drawn moment in the batching turn, and run syncs; the backup thread moves groups and syncs
// the folder. Only the environment is this file's: how long a sync, a move or a turn takes,
// whether a sync or a move fails (drawn, in worlds that plant disk faults), and a virtual
// disk, the live file's bytes with how much of them is durable: a crash leaves the durable
// part and any part of the rest, and the restarted server runs the real recovery on it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/envelope.hpp"
#include "core/mailbox_machine.hpp"
#include "core/recovery.hpp"
#include "core/rng.hpp"
#include "sim/agenda.hpp"
#include "sim/digest.hpp"
#include "sim/notice.hpp"
#include "sim/oracle.hpp"
#include "sim/params.hpp"
#include "sim/trace.hpp"

namespace postable::sim {

struct Connection;

class Mailbox {
 public:
  // A delivery's end: the number its record got once durable, or nullopt when a failed sync
  // took it back (the session replies 451).
  using Resume = std::function<void(Connection&, std::optional<std::uint64_t> number)>;
  struct Context {
    const Params& params;
    std::string_view server_name;
    Rng& rng;
    Agenda<Notice>& agenda;
    Oracle& oracle;
    Summary& summary;
    TraceWriter* trace;
    Resume resume;
  };

  explicit Mailbox(Context context);
  // A worker hands a message over; `resume` tells it the outcome later.
  void deliver(Connection& c, Envelope envelope);
  // Notices of the server's life `life` (one of an earlier life is void): a delivery's turn
  // is over, a sync ended, the backup's move ended, the folder's sync ended.
  void turn_over(Connection& c);
  void sync_done(std::uint64_t life);
  void move_done(std::uint64_t life);
  void names_synced(std::uint64_t life);
  // The server dies: what the disk keeps is drawn, the real recovery reads it, and the
  // mailbox goes on as the restarted server's. nullopt when recovery refused the files.
  std::optional<RecoveryPlan> crash();
  const std::string& live_file() const { return live_; }
  bool syncing() const { return machine_.syncing(); }
  bool idle() const {
    return writers_.empty() && synced_waiters_.empty() && !backup_busy_ && !machine_.syncing();
  }

 private:
  void write(Connection& c);
  void step(Connection& c);
  void run_sync(Connection* by);
  void wake(const Wakes& wakes);
  void step_backup();
  void begin_move();
  Duration drawn(double min_ms, double max_ms);
  bool fails(double chance);
  std::vector<FoundFile> files_after_crash();
  void add_backup(const BackupRange& range);
  std::uint64_t backed_up_through() const;

  Context context_;
  MailboxMachine machine_;
  std::uint64_t life_ = 0;                   // crashes so far
  std::deque<Connection*> writers_;          // asleep until a backup is over
  std::vector<Connection*> synced_waiters_;  // asleep until a sync ends (its runner too)
  std::vector<Connection*> woken_;           // those a sync's end wakes, stepped in turn
  bool backup_busy_ = false;                 // the backup thread runs a sync, a move, a folder sync
  bool backup_syncs_ = false;                // the running data sync is the backup thread's
  // The virtual disk.
  std::string live_;                 // the live file's bytes
  std::uint64_t durable_bytes_ = 0;  // how many of them a sync has made durable
  std::uint64_t syncing_bytes_ = 0;  // what the running sync covers
  bool moving_ = false;              // the live file is being moved into a backup
  BackupRange moving_range_;
  Instant backup_started_{};
  static constexpr std::size_t backups_kept = 8;
  std::deque<BackupRange> backups_;   // the last backup files made, in order
  std::uint64_t merged_through_ = 0;  // the older ones: 1..this
};

}  // namespace postable::sim
