// The mailbox folder's layout (core/folder_layout.hpp): its names, read back, and the rule a
// folder at rest keeps.
#define BOOST_TEST_MODULE folder_layout
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "core/folder_layout.hpp"

using namespace postable;

namespace {

std::string problems(const std::map<std::string, std::vector<std::uint64_t>>& files,
                     std::uint64_t total, std::uint64_t backup_every) {
  std::string out;
  for (const std::string& problem : folder_problems(files, total, backup_every))
    out += problem + "; ";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_name_of_the_layout_reads_back_as_what_it_is) {
  const BackupRange range{33, 64};
  BOOST_TEST(backup_file_name(range) == "mailbox.33-64");
  BOOST_TEST(partial_file_name(range) == "mailbox.33-64.partial");
  BOOST_TEST(int(read_mailbox_name("mailbox").kind) == int(MailboxName::live));
  BOOST_TEST(int(read_mailbox_name("mailbox.next").kind) == int(MailboxName::next));
  const NameReading backup = read_mailbox_name(backup_file_name(range));
  BOOST_TEST(int(backup.kind) == int(MailboxName::backup));
  BOOST_TEST((backup.range == range));
  const NameReading partial = read_mailbox_name(partial_file_name(range));
  BOOST_TEST(int(partial.kind) == int(MailboxName::partial));
  BOOST_TEST((partial.range == range));
  for (const char* other : {"mailbox.", "mailboxes", "mailbox.0-3", "mailbox.5-4", "mailbox.1-x",
                            "mailbox.1-2.tmp", "notes"}) {
    BOOST_TEST(int(read_mailbox_name(other).kind) == int(MailboxName::other), other);
  }
}

BOOST_AUTO_TEST_CASE(a_folder_of_whole_groups_and_the_rest_live_is_well) {
  BOOST_TEST(problems({{"mailbox.1-2", {1, 2}}, {"mailbox.3-4", {3, 4}}, {"mailbox", {5}}}, 5, 2) ==
             "");
  BOOST_TEST(problems({{"mailbox", {}}}, 0, 32) == "");
  // A move that failed leaves its group for the next: one backup of two groups is whole too.
  BOOST_TEST(problems({{"mailbox.1-4", {1, 2, 3, 4}}, {"mailbox", {5}}}, 5, 2) == "");
}

BOOST_AUTO_TEST_CASE(each_way_a_folder_goes_wrong_is_named) {
  BOOST_TEST(problems({{"mailbox", {1}}, {"notes", {}}}, 1, 2) == "an unexpected file notes; ");
  BOOST_TEST(problems({{"mailbox", {}}, {"mailbox.next", {}}}, 0, 2) ==
             "mailbox.next was left by a move; ");
  BOOST_TEST(problems({{"mailbox.1-2", {1}}, {"mailbox", {}}}, 1, 2) ==
             "mailbox.1-2 holds [1 ], not [1 2 ]; ");
  BOOST_TEST(problems({{"mailbox.3-4", {3, 4}}, {"mailbox", {}}}, 4, 2) ==
             "mailbox.3-4 does not follow the backup before it; ");
  BOOST_TEST(problems({{"mailbox.1-3", {1, 2, 3}}, {"mailbox", {}}}, 3, 2) ==
             "mailbox.1-3 is not a whole number of groups; ");
  BOOST_TEST(problems({{"mailbox.1-2", {1, 2}}}, 2, 2) == "mailbox is missing; ");
  BOOST_TEST(problems({{"mailbox", {2, 1}}}, 2, 4) == "mailbox holds [2 1 ], not [1 2 ]; ");
  BOOST_TEST(problems({{"mailbox", {1, 2}}}, 2, 2) == "a full group was left in mailbox; ");
}
