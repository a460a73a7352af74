// The pure ledgers behind the monitors: numbering and backup grouping of the mailbox, the
// hand-off rules of the pool, and whom the server's stop wakes.
#define BOOST_TEST_MODULE ledgers
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "core/drain_ledger.hpp"
#include "core/mailbox_ledger.hpp"
#include "core/pool_ledger.hpp"

using postable::AcceptorStep;
using postable::BackupRange;
using postable::DrainLedger;
using postable::DrainPhase;
using postable::MailboxLedger;
using postable::PoolLedger;
using postable::WorkerStep;

BOOST_AUTO_TEST_CASE(numbers_rise_by_one_and_every_group_falls_due) {
  MailboxLedger ledger(3);
  for (std::uint64_t n = 1; n <= 2; ++n) {
    BOOST_TEST(ledger.may_write());
    BOOST_TEST(ledger.next_number() == n);
    ledger.stored();
  }
  BOOST_TEST(!ledger.backup_due().has_value());
  ledger.stored();  // message 3 completes the first group
  BOOST_TEST((ledger.backup_due() == BackupRange{1, 3}));
  BOOST_TEST(!ledger.may_write());  // deliveries wait for the backup
  const BackupRange range = ledger.begin_backup();
  BOOST_TEST(range.file_name() == "mailbox.1-3");
  BOOST_TEST(!ledger.may_write());
  BOOST_TEST(ledger.backup_running());
  ledger.finish_backup(true);
  BOOST_TEST(ledger.may_write());
  BOOST_TEST(ledger.next_number() == 4u);
  BOOST_TEST(ledger.in_live_file() == 0u);
  for (int i = 0; i < 3; ++i) ledger.stored();
  BOOST_TEST((ledger.backup_due() == BackupRange{4, 6}));
}

BOOST_AUTO_TEST_CASE(a_failed_backup_keeps_its_messages_for_the_next_group) {
  MailboxLedger ledger(2);
  ledger.stored();
  ledger.stored();
  ledger.begin_backup();
  ledger.finish_backup(false);
  BOOST_TEST(ledger.in_live_file() == 2u);
  ledger.stored();
  ledger.stored();
  BOOST_TEST((ledger.backup_due() == BackupRange{1, 4}));  // named for all it holds
  ledger.begin_backup();
  ledger.finish_backup(true);
  BOOST_TEST(ledger.in_live_file() == 0u);
}

BOOST_AUTO_TEST_CASE(the_pool_accepts_only_for_an_idle_unpromised_worker) {
  PoolLedger<int> pool(2);
  BOOST_TEST(!pool.may_accept());  // no worker is waiting yet
  pool.worker_waits();
  BOOST_TEST(pool.may_accept());
  pool.begin_accept();
  BOOST_TEST(!pool.may_accept());  // one accept at a time
  pool.hand_off(7);
  BOOST_TEST(!pool.may_accept());  // the one idle worker is promised connection 7
  pool.worker_waits();
  BOOST_TEST(!pool.may_accept());  // still: one hand-off at a time
  BOOST_TEST(pool.take() == 7);
  BOOST_TEST(pool.may_accept());  // the second worker is idle and free
  BOOST_TEST(pool.busy() == 1u);
}

// The stop is seen by the acceptor whatever the workers do: with every worker busy too.
BOOST_AUTO_TEST_CASE(the_acceptor_sees_the_stop_with_every_worker_busy) {
  PoolLedger<int> pool(1);
  pool.worker_waits();
  pool.begin_accept();
  pool.hand_off(1);
  BOOST_TEST(pool.take() == 1);  // the one worker is busy
  BOOST_TEST((pool.acceptor_step() == AcceptorStep::wait));
  pool.stop();
  BOOST_TEST((pool.acceptor_step() == AcceptorStep::stop));
}

// After the stop, an idle worker leaves, unless a connection is handed to it or an accept
// under way may bring one (then the last idle worker stays for it).
BOOST_AUTO_TEST_CASE(after_the_stop_idle_workers_leave_but_one_stays_for_an_accept) {
  PoolLedger<int> pool(2);
  pool.worker_waits();
  pool.worker_waits();
  pool.begin_accept();
  pool.stop();
  BOOST_TEST((pool.worker_step() == WorkerStep::leave));
  pool.worker_leaves();
  BOOST_TEST((pool.worker_step() == WorkerStep::wait));  // the last idle one, for the accept
  pool.hand_off(3);
  BOOST_TEST((pool.worker_step() == WorkerStep::take));
  BOOST_TEST(pool.take() == 3);
  pool.worker_waits();
  BOOST_TEST((pool.worker_step() == WorkerStep::leave));
  pool.worker_leaves();
  BOOST_TEST(pool.busy() == 0u);  // workers gone are not busy
  PoolLedger<int> ended(1);
  ended.worker_waits();
  ended.begin_accept();
  ended.stop();
  BOOST_TEST((ended.worker_step() == WorkerStep::wait));
  ended.accept_ended();
  BOOST_TEST((ended.worker_step() == WorkerStep::leave));
}

// Workers 0-3: idle, waiting for a command, waiting for more of a message, busy storing.
BOOST_AUTO_TEST_CASE(the_stop_wakes_command_waiters_and_the_drain_end_wakes_every_session) {
  DrainLedger drain(4);
  for (std::size_t w = 1; w < 4; ++w) drain.serving(w, true);
  BOOST_TEST(drain.may_wait(1, true));
  BOOST_TEST(drain.may_wait(2, false));
  BOOST_TEST((drain.stop() == std::vector<std::size_t>{1}));
  BOOST_TEST((drain.phase() == DrainPhase::stopping));
  BOOST_TEST(!drain.may_wait(3, true));  // a session between messages is told instead
  BOOST_TEST(drain.may_wait(3, false));  // one inside a message may still wait for it
  BOOST_TEST(drain.waited(1));           // the stop woke it: its stream did not end
  drain.serving(1, false);
  BOOST_TEST(!drain.waited(3));  // the stop left it waiting: an end of stream is the client's
  BOOST_TEST(drain.may_wait(3, false));
  BOOST_TEST((drain.end_drain() == std::vector<std::size_t>{2, 3}));
  BOOST_TEST(drain.waited(2));
  BOOST_TEST(drain.waited(3));
  BOOST_TEST(!drain.may_wait(2, false));
  BOOST_TEST((drain.phase() == DrainPhase::over));
}
