// The mailbox monitor and its file store, standing in for impl/server/mailbox.hpp and
// file_store.cpp, and the backup thread beside them: the very MailboxLedger numbers the
// messages and says when a backup is due; a delivery that finds a backup due or moving waits,
// as a writer waits on the monitor's condition variable; the backup takes a drawn while.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "core/envelope.hpp"
#include "core/mailbox_ledger.hpp"
#include "core/rng.hpp"
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
  // A worker hands a message over: its number once stored, or nullopt while it waits for the
  // backup (it is stored when the backup ends, and `resume` told) or when the oracle objects.
  std::optional<std::uint64_t> deliver(Connection& c, Envelope envelope);
  // The backup thread has moved the live file; the waiting deliveries go ahead.
  void backup_done(const Resume& resume);
  bool idle() const { return waiting_.empty() && !ledger_.backup_running(); }

 private:
  std::optional<std::uint64_t> store(Connection& c, const Envelope& envelope);
  void start_backup();

  Context context_;
  MailboxLedger ledger_;
  std::deque<std::pair<Connection*, Envelope>> waiting_;  // deliveries held by a backup
  BackupRange moving_range_;
  Instant backup_started_{};
  std::uint64_t skipped_ = 0;  // numbers skipped by the planted bug skip_number
};

}  // namespace postable::sim
