// The oracle: what must hold at every step and at the end of a run. It keeps its own account
// of what the files hold (numbers in the live file, records stored but not yet acknowledged)
// and of the server's clock, and names the first invariant that fails.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/envelope.hpp"
#include "core/mailbox_ledger.hpp"
#include "core/record.hpp"
#include "core/recovery.hpp"
#include "core/time.hpp"

namespace postable::sim {

struct Violation {
  std::string invariant;
  std::uint64_t client = 0;
  std::string transcript;
};

class Oracle {
 public:
  // Finds a client's transcript for the report, while its connection is open.
  explicit Oracle(std::function<std::string(std::uint64_t client)> transcript_of)
      : transcript_of_(std::move(transcript_of)) {}
  // The first violation is kept; later ones are consequences.
  void fail(std::string invariant, std::uint64_t client);
  bool failed() const { return violation_.has_value(); }
  const std::optional<Violation>& violation() const { return violation_; }

  // The store wrote message `number` to the live file; false (and a violation) if it was twice.
  bool stored(std::uint64_t number, std::string record, std::uint64_t client);
  // A client read `number` for `envelope`: the record must be stored as sent.
  void acknowledged(std::uint64_t number, const Envelope& envelope, const std::string& name,
                    std::uint64_t client);
  // The network reset `client`'s connection, and the client has closed: replies on their way
  // to it are lost, so its records not yet acknowledged are excused from being acknowledged,
  // but each must be a whole message it sent (`sent`, the last it finished: a client sends a
  // message only once the one before is answered).
  void excuse(std::uint64_t client, const Envelope& sent, const std::string& name);
  // A failed sync took messages first..last back off the live file (their clients get 451):
  // none may have been acknowledged, and each client may hear one refusal for each.
  void lost_to_failed_sync(std::uint64_t first, std::uint64_t last);
  // The server refused `client`'s message: true when a failed sync excuses it.
  bool refusal_excused(std::uint64_t client);
  // The backup moved the live file: it must hold exactly the range's numbers, in order.
  void backed_up(const BackupRange& range);
  // The backup's move failed: its messages stay in mailbox, due with the next group.
  void move_failed() { last_move_failed_ = true; }
  // The acceptor accepted `client` with `idle_workers` workers idle: one must have been.
  void accepted(std::uint64_t idle_workers, std::uint64_t client);
  // A delivery wrote to the live file while a backup was moving it.
  void wrote_during_move(std::uint64_t client) {
    fail("a delivery wrote while a backup was moving the mailbox", client);
  }
  // The backup began moving `range`; `covered`: a sync had covered every record of it.
  void backup_began(const BackupRange& range, bool covered);
  // A server timer fired at `now` for a clock restarted at `last_restart`: never early, and
  // at most `late_max` late (virtual time keeps it exact; a real run's threads need slack).
  void timer_fired(Instant now, Instant last_restart, Duration timeout, std::uint64_t client,
                   Duration late_max = Duration::zero());
  // At the stop, `client`'s session between messages had not been told (its 421).
  void not_told_at_stop(std::uint64_t client) {
    fail("a session between messages was not told at the stop", client);
  }
  // The drain's time was up and `client`'s session was still open.
  void open_at_drain_end(std::uint64_t client) {
    fail("a session is still open at the drain's end", client);
  }
  // The server died and recovery left `plan`, the live file holding `live`: every
  // acknowledged message must be there as sent; records no client heard of may be gone.
  // Records of `unreplied` numbers had no 250 sent; the others' may still be on their way.
  void crashed(const RecoveryPlan& plan, std::string_view live,
               const std::vector<std::uint64_t>& unreplied);
  // A run killed (kill -9) and started again with --resume, whose recovery found messages
  // 1..`stored`, those through `backed_up` in backups (a real run's two traces): every message
  // the first acknowledged must still be stored; what no client heard of may be gone.
  void resumed(std::uint64_t stored, std::uint64_t backed_up);
  // The run is over: the live file in order, every stored message acknowledged, and no group
  // of `backup_every` left in it (a due backup is made, a stop's included).
  void check_files_at_end(std::uint64_t backup_every);

 private:
  std::function<std::string(std::uint64_t)> transcript_of_;
  std::optional<Violation> violation_;
  // The live file by its numbers (the order checks need no more); each record waits in
  // `unacknowledged_` until its client has read its number and compared the bytes.
  std::vector<std::uint64_t> live_file_;
  struct Unacknowledged {
    std::string record;
    std::uint64_t client;
  };
  std::map<std::uint64_t, Unacknowledged> unacknowledged_;
  // Whether `record` reads back as exactly `envelope`, numbered `number`, from `name`.
  bool reads_back_as(const std::string& record, std::uint64_t number, const Envelope& envelope,
                     const std::string& name);
  // Acknowledged records not yet in a backup: a crash must not take them.
  std::map<std::uint64_t, std::string> acknowledged_live_;
  // Numbers whose 250 was on its way when a crash took their record.
  std::set<std::uint64_t> lost_in_crash_;
  std::multiset<std::uint64_t> refusable_;  // clients whose message a failed sync took back
  std::uint64_t last_backed_up_ = 0;
  bool last_move_failed_ = false;
  ParsedRecords read_back_;  // reused for every record read back: no allocation per message
};

}  // namespace postable::sim
