// The mailbox monitor and its file store, standing in for impl/server/mailbox.hpp and
// file_store.cpp, and the backup thread beside them. The very MailboxLedger numbers the
// messages and says when a backup is due; the very SyncLedger commits in groups: a delivery
// appends its record, then waits until a sync (which takes a drawn while) covers it, one
// sync at a time, each covering every record appended before it began. A delivery that finds
// a backup due or moving waits, as a writer waits on the monitor's condition variable; a
// group is moved only once it is durable, and the move takes a drawn while. The live file's
// bytes are kept, with how much of them is durable: a crash leaves the durable part and any
// part of the rest, and the restarted server runs the real recovery on what is left.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/envelope.hpp"
#include "core/mailbox_ledger.hpp"
#include "core/recovery.hpp"
#include "core/rng.hpp"
#include "core/sync_ledger.hpp"
#include "sim/agenda.hpp"
#include "sim/buggify.hpp"
#include "sim/digest.hpp"
#include "sim/notice.hpp"
#include "sim/oracle.hpp"
#include "sim/trace.hpp"

namespace postable::sim {

struct Connection;

class Mailbox {
 public:
  struct Context {
    const Params& params;
    std::string_view server_name;
    Rng& rng;
    Agenda<Notice>& agenda;
    Oracle& oracle;
    const Buggify& buggify;
    Summary& summary;
    TraceWriter* trace;
  };
  using Resume = std::function<void(Connection&, std::uint64_t number)>;

  explicit Mailbox(Context context);
  // A worker hands a message over: its number once durable, or nullopt while it waits for
  // a sync or the backup (`resume` tells it later) or when the oracle objects.
  std::optional<std::uint64_t> deliver(Connection& c, Envelope envelope);
  // The backup thread of the server's life `life` has moved the live file; the waiting
  // deliveries go ahead.
  void backup_done(std::uint64_t life, const Resume& resume);
  // A sync of the server's life `life` ended (one of an earlier life is void).
  void sync_done(std::uint64_t life, const Resume& resume);
  // The server dies: what the disk keeps is drawn, the real recovery reads it, and the
  // mailbox goes on as the restarted server's. nullopt when recovery refused the files.
  // `unreplied` gets the numbers of the deliveries that waited for a sync (no 250 was sent).
  std::optional<RecoveryPlan> crash(std::vector<std::uint64_t>& unreplied);
  const std::string& live_file() const { return live_; }
  bool syncing() const { return sync_.syncing(); }
  bool idle() const {
    return waiting_.empty() && synced_waiters_.empty() && !ledger_.backup_running();
  }

 private:
  struct Waiting {
    Connection* connection;
    SyncTicket ticket;
    std::uint64_t number;  // the one the record holds (a planted bug may skip one)
  };
  std::optional<std::uint64_t> store(Connection& c, const Envelope& envelope);
  void maybe_sync();
  void maybe_backup();
  void start_backup();
  std::vector<FoundFile> files_after_crash();

  Context context_;
  MailboxLedger ledger_;
  SyncLedger sync_;
  std::uint64_t life_ = 0;           // crashes so far
  std::string live_;                 // the live file's bytes
  std::uint64_t durable_bytes_ = 0;  // how many of them a sync has made durable
  std::uint64_t syncing_bytes_ = 0;  // what the running sync covers
  void add_backup(const BackupRange& range);
  std::uint64_t backed_up_through() const;
  static constexpr std::size_t backups_kept = 8;
  std::deque<BackupRange> backups_;                       // the last backup files made, in order
  std::uint64_t merged_through_ = 0;                      // the older ones: 1..this
  std::deque<std::pair<Connection*, Envelope>> waiting_;  // deliveries held by a backup
  std::deque<Waiting> synced_waiters_;                    // deliveries waiting for a sync
  BackupRange moving_range_;
  Instant backup_started_{};
  std::uint64_t skipped_ = 0;  // numbers skipped by the planted bug skip_number
};

}  // namespace postable::sim
