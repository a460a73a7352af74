// Recovery's reasoning on hand-made folders: what it keeps, cuts and removes, and the one
// line it gives for what it cannot make sense of. (Every state a crash may leave is the
// crash proof's: tests/property/crash_property.cpp.)
#define BOOST_TEST_MODULE recovery
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "core/record.hpp"
#include "core/recovery.hpp"

namespace {

using namespace postable;

std::string records(std::uint64_t first, std::uint64_t last) {
  std::string text;
  for (std::uint64_t n = first; n <= last; ++n) {
    text += format_record(Envelope{"h",
                                   "a@b",
                                   {"c@d"},
                                   "body " + std::to_string(n) +
                                       "\n\n"
                                       "Received: from x by postable (CS4410MP3)\n"},
                          n, "postable");
  }
  return text;
}

struct Folder {
  std::vector<FoundFile> files;
  Folder& add(const std::string& name, const std::string& bytes, std::uint64_t inode = 0) {
    files.push_back(examine_mailbox_file(name, inode == 0 ? files.size() + 100 : inode, bytes));
    return *this;
  }
  RecoveryPlan plan() const { return std::get<RecoveryPlan>(plan_recovery(files)); }
  std::string error() const { return std::get<RecoveryError>(plan_recovery(files)).line(); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(names_of_the_mailbox_files_are_read_and_others_left_alone) {
  BOOST_TEST((read_mailbox_name("mailbox").kind == MailboxName::live));
  BOOST_TEST((read_mailbox_name("mailbox.next").kind == MailboxName::next));
  BOOST_TEST((read_mailbox_name("mailbox.33-64").range == BackupRange{33, 64}));
  BOOST_TEST((read_mailbox_name("mailbox.1-4.partial").kind == MailboxName::partial));
  for (const char* other : {"mailbox.0-4", "mailbox.5-4", "mailbox.1-", "mailbox.txt", "out.txt",
                            "mailbox.1-4.bak", "mailboxes"}) {
    BOOST_TEST((read_mailbox_name(other).kind == MailboxName::other), other);
  }
}

BOOST_AUTO_TEST_CASE(an_empty_folder_starts_at_one) {
  const RecoveryPlan plan = Folder{}.plan();
  BOOST_TEST(plan.fresh_live);
  BOOST_TEST(plan.stored == 0u);
}

BOOST_AUTO_TEST_CASE(backups_and_live_file_continue_after_the_last_number) {
  const RecoveryPlan plan = Folder{}
                                .add("mailbox.1-2", records(1, 2))
                                .add("mailbox.3-4", records(3, 4))
                                .add("mailbox", records(5, 6))
                                .plan();
  BOOST_TEST(plan.stored == 6u);
  BOOST_TEST(plan.backed_up == 4u);
  BOOST_TEST(!plan.fresh_live);
  BOOST_TEST(!plan.cut_live.has_value());
  BOOST_TEST(plan.live_bytes == records(5, 6).size());
  BOOST_TEST(plan.notes.empty());
}

BOOST_AUTO_TEST_CASE(a_torn_last_record_is_cut_off_wherever_it_was_torn) {
  const std::string whole = records(1, 2);
  const std::string third = records(3, 3);
  for (std::size_t cut = 1; cut < third.size(); ++cut) {
    const RecoveryPlan plan = Folder{}.add("mailbox", whole + third.substr(0, cut)).plan();
    BOOST_TEST(plan.live_bytes >= whole.size(), cut);
    if (plan.live_bytes == whole.size()) {
      BOOST_TEST(plan.stored == 2u, cut);
      BOOST_TEST(plan.cut_live.value_or(0) == whole.size(), cut);
      BOOST_TEST(plan.notes.at(0).find("a record cut short") != std::string::npos);
    } else {  // cut right after the body's empty line: it reads as a whole, shorter record 3
      BOOST_TEST(plan.stored == 3u, cut);
      BOOST_TEST(third[plan.live_bytes - whole.size() - 1] == '\n', cut);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_group_caught_between_the_backup_renames_stays_in_the_backup) {
  const RecoveryPlan plan = Folder{}
                                .add("mailbox", records(1, 2), 7)
                                .add("mailbox.1-2", records(1, 2), 7)
                                .add("mailbox.next", "")
                                .plan();
  BOOST_TEST(plan.fresh_live);
  BOOST_TEST(plan.stored == 2u);
  BOOST_TEST(plan.backed_up == 2u);
  BOOST_TEST((plan.remove == std::vector<std::string>{"mailbox.next"}));
}

BOOST_AUTO_TEST_CASE(a_backup_stopped_before_its_renames_is_undone) {
  const RecoveryPlan plan = Folder{}
                                .add("mailbox", records(1, 2), 7)
                                .add("mailbox.1-2.partial", records(1, 2), 7)
                                .add("mailbox.next", "")
                                .plan();
  BOOST_TEST(!plan.fresh_live);
  BOOST_TEST(plan.stored == 2u);
  BOOST_TEST(plan.backed_up == 0u);
  BOOST_TEST(plan.remove.size() == 2u);
}

BOOST_AUTO_TEST_CASE(what_recovery_cannot_make_sense_of_is_named_with_file_and_byte) {
  const std::string damaged = records(1, 1) + "garbage\n" + records(2, 2);
  BOOST_TEST(
      Folder{}
          .add("mailbox", damaged)
          .error()
          .starts_with("mailbox at byte " + std::to_string(records(1, 1).size() + 8) + ": "));
  BOOST_TEST(Folder{}.add("mailbox.1-2", records(1, 2)).add("mailbox.5-6", records(5, 6)).error() ==
             "mailbox.5-6 at byte 0: expected a backup starting at message 3");
  BOOST_TEST(Folder{}.add("mailbox.1-2", records(1, 3)).error() ==
             "mailbox.1-2 at byte 0: holds messages 1-3, not its range");
  BOOST_TEST(Folder{}.add("mailbox.1-2", records(1, 2)).add("mailbox", records(4, 4)).error() ==
             "mailbox at byte 0: message 4 where 3 was expected (backups run through 2)");
  BOOST_TEST(Folder{}.add("mailbox", records(1, 1)).add("mailbox.1-1.partial", "x").error() ==
             "mailbox.1-1.partial at byte 0: a backup's temporary name is not a name of mailbox");
  const std::string torn_backup = records(1, 2).substr(0, records(1, 2).size() - 3);
  BOOST_TEST(
      Folder{}
          .add("mailbox.1-2", torn_backup)
          .error()
          .starts_with("mailbox.1-2 at byte " + std::to_string(records(1, 1).size()) + ": "));
}

// Bytes that are not ours are refused, wherever they stand, and never cut: an old mbox file,
// text before the first record, text after the last, a first line that only looks like ours.
BOOST_AUTO_TEST_CASE(what_is_not_ours_is_refused_not_cut) {
  const std::string mbox =
      "From alice@example.org Mon Jan  1 00:00:00 2024\nSubject: hi\n\nmy old mail\n\n";
  BOOST_TEST(Folder{}.add("mailbox", mbox).error() ==
             "mailbox at byte 0: not a mailbox file of this server (no record starts here)");
  BOOST_TEST(Folder{}.add("mailbox", mbox + records(1, 1)).error() ==
             "mailbox at byte 0: not a mailbox file of this server (no record starts here)");
  // A record's first line where only a record cut short could begin, then a line no head has.
  const std::string not_a_head = "Received: from h by postable (CS4410MP3)\nSubject: x\n";
  BOOST_TEST(Folder{}.add("mailbox", records(1, 1) + not_a_head).error() ==
             "mailbox at byte " + std::to_string(records(1, 1).size()) +
                 ": neither a record nor what a crash leaves of one");
  // A real mail's Received: line is a whole line, and not one of ours.
  BOOST_TEST(
      Folder{}.add("mailbox", "Received: from mx by mail with ESMTP\nSubject: x\n").error() ==
      "mailbox at byte 0: not a mailbox file of this server (no record starts here)");
  BOOST_TEST(Folder{}.add("mailbox", not_a_head).error().starts_with("mailbox at byte 0: "));
  BOOST_TEST(Folder{}.add("mailbox", std::string(64, '\0') + records(1, 1)).error() ==
             "mailbox at byte 0: not a mailbox file of this server (no record starts here)");
}

// What a crash leaves of an append that was not durable is cut at the end of the last whole
// record: zeros (the size reached the disk before the data), a record cut short in any line,
// or both; an empty file and a file of zeros alone are a fresh start.
BOOST_AUTO_TEST_CASE(a_torn_tail_is_cut_at_the_end_of_the_last_whole_record) {
  const std::string whole = records(1, 2);
  const std::string third = records(3, 3);
  const std::string zeros(64, '\0');
  for (const std::string& tail : {zeros, third.substr(0, 5) + zeros, third.substr(0, 60),
                                  third.substr(0, 60) + zeros, std::string("R")}) {
    const RecoveryPlan plan = Folder{}.add("mailbox", whole + tail).plan();
    BOOST_TEST(plan.stored == 2u);
    BOOST_TEST(plan.live_bytes == whole.size());
    BOOST_TEST(plan.cut_live.value_or(0) == whole.size());
    BOOST_TEST(plan.notes.at(0).ends_with("at byte " + std::to_string(whole.size()) +
                                          ", the end of its last whole record"));
  }
  BOOST_TEST(Folder{}.add("mailbox", whole + zeros).plan().notes.at(0) ==
             "cut 64 bytes (zeros) off mailbox at byte " + std::to_string(whole.size()) +
                 ", the end of its last whole record");
  for (const std::string& only_torn : {std::string(), zeros, third.substr(0, 30) + zeros}) {
    const RecoveryPlan plan = Folder{}.add("mailbox", only_torn).plan();
    BOOST_TEST(plan.stored == 0u);
    BOOST_TEST(plan.live_bytes == 0u);
  }
}

// Numbers out of order are named at the byte of the record that breaks the order.
BOOST_AUTO_TEST_CASE(a_gap_is_named_at_the_record_after_it) {
  const std::string five = records(5, 5);
  BOOST_TEST(
      Folder{}.add("mailbox.1-4", records(1, 4)).add("mailbox", five + records(7, 7)).error() ==
      "mailbox at byte " + std::to_string(five.size()) + ": message 7 where 6 was expected");
  BOOST_TEST(Folder{}.add("mailbox.1-3", records(1, 1) + records(3, 4)).error() ==
             "mailbox.1-3 at byte " + std::to_string(records(1, 1).size()) +
                 ": message 3 where 2 was expected");
}

// A backup is synced before it has its name: a torn tail in one is damage, not a crash's.
BOOST_AUTO_TEST_CASE(a_backup_with_a_torn_tail_is_refused) {
  BOOST_TEST(Folder{}.add("mailbox.1-2", records(1, 2) + std::string(8, '\0')).error() ==
             "mailbox.1-2 at byte " + std::to_string(records(1, 2).size()) +
                 ": a backup ends in zeros");
}
