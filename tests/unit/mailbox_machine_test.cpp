// The mailbox machine's steps in the cases a reader wants spelled out: the batching turn,
// a failed sync, a group's move and the folder's sync after it, a failed move, the stop.
// Any interleaving of them: property/mailbox_machine_property.cpp.
#define BOOST_TEST_MODULE mailbox_machine
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "core/mailbox_machine.hpp"

using namespace postable;

namespace {

SyncTicket append(MailboxMachine& machine, std::uint64_t end_bytes) {
  Wakes wakes;
  return machine.appended(end_bytes, wakes);
}

// Steps the delivery of `ticket` past its batching turn, to the sync it begins.
void begin_a_sync(MailboxMachine& machine, const SyncTicket& ticket) {
  Batching batching;
  while (machine.delivery_step(ticket, batching) == DeliveryStep::yield) {
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_delivery_yields_while_others_append_then_syncs) {
  MailboxMachine machine(32);
  const SyncTicket first = append(machine, 10);
  Batching batching;
  BOOST_TEST(int(machine.delivery_step(first, batching)) == int(DeliveryStep::yield));
  append(machine, 20);  // another delivery came in the turn: one more
  BOOST_TEST(int(machine.delivery_step(first, batching)) == int(DeliveryStep::yield));
  BOOST_TEST(int(machine.delivery_step(first, batching)) == int(DeliveryStep::sync));
  const SyncTicket late = append(machine, 30);  // after the sync began: not covered by it
  Batching other;
  BOOST_TEST(int(machine.delivery_step(late, other)) == int(DeliveryStep::wait));
  const SyncEnd end = machine.sync_ended(true);
  BOOST_TEST(end.wakes.synced);
  BOOST_TEST(!end.loss.has_value());
  BOOST_TEST(int(machine.delivery_step(first, batching)) == int(DeliveryStep::durable));
  BOOST_TEST(int(machine.delivery_step(late, other)) == int(DeliveryStep::yield));
}

BOOST_AUTO_TEST_CASE(the_batching_turn_ends_after_eight_yields) {
  MailboxMachine machine(1000);
  const SyncTicket ticket = append(machine, 1);
  Batching batching;
  int yields = 0;
  for (std::uint64_t bytes = 2; machine.delivery_step(ticket, batching) == DeliveryStep::yield;
       ++bytes) {
    ++yields;
    append(machine, bytes);  // someone appends in every turn
  }
  BOOST_TEST(yields == batching_turns_max);
}

BOOST_AUTO_TEST_CASE(a_failed_sync_loses_what_it_had_not_made_durable) {
  MailboxMachine machine(32);
  const SyncTicket one = append(machine, 10);
  begin_a_sync(machine, one);
  BOOST_TEST(machine.sync_ended(true).wakes.synced);
  const SyncTicket two = append(machine, 25), three = append(machine, 40);
  begin_a_sync(machine, three);
  const SyncEnd end = machine.sync_ended(false);
  BOOST_REQUIRE(end.loss.has_value());
  BOOST_TEST(end.loss->first == 2u);
  BOOST_TEST(end.loss->last == 3u);
  BOOST_TEST(end.loss->cut_to_bytes == 10u);
  BOOST_TEST(end.wakes.writers);
  Batching batching;
  BOOST_TEST(int(machine.delivery_step(one, batching)) == int(DeliveryStep::durable));
  BOOST_TEST(int(machine.delivery_step(two, batching)) == int(DeliveryStep::lost));
  BOOST_TEST(int(machine.delivery_step(three, batching)) == int(DeliveryStep::lost));
  BOOST_TEST(machine.next_number() == 2u);  // the lost numbers are given out again
}

BOOST_AUTO_TEST_CASE(a_durable_group_moves_then_the_folder_is_synced_in_a_syncs_turn) {
  MailboxMachine machine(2);
  append(machine, 10);
  Wakes wakes;
  machine.appended(20, wakes);
  BOOST_TEST(wakes.backup);
  BOOST_TEST(!(machine.write_step() == WriteStep::append));
  BOOST_TEST(int(machine.backup_step()) == int(BackupStep::sync));  // not yet durable
  BOOST_TEST(int(machine.backup_step()) == int(BackupStep::wait));  // the sync runs
  BOOST_TEST(machine.sync_ended(true).wakes.backup);
  BOOST_TEST(int(machine.backup_step()) == int(BackupStep::move));
  BOOST_TEST((machine.begin_move() == BackupRange{1, 2}));
  const MoveEnd end = machine.move_ended(true);
  BOOST_TEST(end.wakes.writers);
  BOOST_TEST(end.sync_names);
  BOOST_TEST(machine.syncing());  // no data sync may start beside the folder's
  BOOST_TEST((machine.write_step() == WriteStep::append));
  const SyncTicket three = append(machine, 10);
  Batching batching;
  BOOST_TEST(int(machine.delivery_step(three, batching)) == int(DeliveryStep::wait));
  BOOST_TEST(machine.names_synced().synced);
  BOOST_TEST(int(machine.delivery_step(three, batching)) == int(DeliveryStep::yield));
}

BOOST_AUTO_TEST_CASE(a_failed_move_leaves_its_group_for_the_next_backup) {
  MailboxMachine machine(2);
  for (std::uint64_t n = 1; n <= 2; ++n) append(machine, n * 10);
  BOOST_TEST(int(machine.backup_step()) == int(BackupStep::sync));
  machine.sync_ended(true);
  BOOST_TEST(int(machine.backup_step()) == int(BackupStep::move));
  BOOST_TEST((machine.begin_move() == BackupRange{1, 2}));
  const MoveEnd end = machine.move_ended(false);
  BOOST_TEST(end.wakes.writers);
  BOOST_TEST(!end.sync_names);
  BOOST_TEST((machine.write_step() == WriteStep::append));
  for (std::uint64_t n = 3; n <= 4; ++n) append(machine, n * 10);
  BOOST_TEST(int(machine.backup_step()) == int(BackupStep::sync));
  machine.sync_ended(true);
  BOOST_TEST((machine.begin_move() == BackupRange{1, 4}));
}

BOOST_AUTO_TEST_CASE(the_stop_lets_the_backup_thread_go_once_nothing_is_due) {
  MailboxMachine machine(1);
  BOOST_TEST(int(machine.backup_step()) == int(BackupStep::wait));
  append(machine, 10);
  BOOST_TEST(machine.stop().backup);
  BOOST_TEST(int(machine.backup_step()) == int(BackupStep::sync));  // the due group first
  machine.sync_ended(true);
  machine.begin_move();
  machine.move_ended(true);
  machine.names_synced();
  BOOST_TEST(int(machine.backup_step()) == int(BackupStep::exit));
}

BOOST_AUTO_TEST_CASE(a_recovered_full_group_is_due_at_once) {
  MailboxMachine machine(2, MailboxStart{4, 2, 100});
  BOOST_TEST(!(machine.write_step() == WriteStep::append));
  BOOST_TEST(int(machine.backup_step()) == int(BackupStep::move));
  BOOST_TEST((machine.begin_move() == BackupRange{3, 4}));
}
