// The pure ledgers behind the monitors: numbering and backup grouping of the mailbox, and
// the hand-off rules of the pool.
#define BOOST_TEST_MODULE ledgers
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "core/mailbox_ledger.hpp"
#include "core/pool_ledger.hpp"

using postable::BackupRange;
using postable::MailboxLedger;
using postable::PoolLedger;

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
  pool.hand_off(7);
  BOOST_TEST(!pool.may_accept());  // the one idle worker is promised connection 7
  pool.worker_waits();
  BOOST_TEST(!pool.may_accept());  // still: one hand-off at a time
  BOOST_TEST(pool.take() == 7);
  BOOST_TEST(pool.may_accept());  // the second worker is idle and free
  BOOST_TEST(pool.busy() == 1u);
}
