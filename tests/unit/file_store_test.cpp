// The file store on its own: records appended whole or not at all, backups that appear
// whole, and a live file emptied behind them.
#define BOOST_TEST_MODULE file_store
#define BOOST_TEST_DYN_LINK
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/record.hpp"
#include "server/file_store.hpp"
#include "server/posix_folder.hpp"

namespace fs = std::filesystem;
using postable::BackupRange;
using postable::Durability;
using postable::FileStore;
using postable::PosixFolder;

namespace {

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "postable-store-XXXXXX").string();
    BOOST_REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() { fs::remove_all(path); }
  std::string read(const std::string& name) const {
    std::ifstream in(path / name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  fs::path path;
};

// The real folder and a store over it, started as the assignment starts: an empty mailbox.
struct FreshStore {
  explicit FreshStore(const fs::path& dir) : folder(dir), files(folder, Durability::sync) {
    files.start_fresh();
  }
  PosixFolder folder;
  FileStore files;
};

}  // namespace

BOOST_AUTO_TEST_CASE(start_up_empties_the_mailbox_and_appends_whole_records) {
  TempDir dir;
  std::ofstream(dir.path / "mailbox") << "left over from an earlier run";
  std::ofstream(dir.path / "mailbox.1-32") << "an earlier backup";
  FreshStore fresh(dir.path);
  FileStore& store = fresh.files;
  BOOST_TEST(dir.read("mailbox") == "");
  BOOST_TEST(store.append("head\n", {{}, "body\n"}, "\n"));
  BOOST_TEST(store.append("h2\n", {}, "\n"));
  BOOST_TEST(dir.read("mailbox") == "head\nbody\n\nh2\n\n");
  BOOST_TEST(dir.read("mailbox.1-32") == "an earlier backup");  // untouched until replaced
}

BOOST_AUTO_TEST_CASE(a_backup_moves_the_content_and_replaces_an_old_file) {
  TempDir dir;
  std::ofstream(dir.path / "mailbox.1-2") << "stale";
  FreshStore fresh(dir.path);
  FileStore& store = fresh.files;
  BOOST_TEST(store.append("a\n", {}, ""));
  BOOST_TEST(store.append("b\n", {}, ""));
  BOOST_TEST(store.move_to_backup(BackupRange{1, 2}));
  BOOST_TEST(dir.read("mailbox.1-2") == "a\nb\n");
  BOOST_TEST(dir.read("mailbox") == "");
  BOOST_TEST(!fs::exists(dir.path / "mailbox.1-2.partial"));
  BOOST_TEST(store.append("c\n", {}, ""));
  BOOST_TEST(dir.read("mailbox") == "c\n");
  BOOST_TEST(dir.read("mailbox.1-2") == "a\nb\n");  // the backup is a file of its own
}

BOOST_AUTO_TEST_CASE(a_backup_that_cannot_be_made_leaves_the_messages_live) {
  TempDir dir;
  FreshStore fresh(dir.path);
  FileStore& store = fresh.files;
  BOOST_TEST(store.append("a\n", {}, ""));
  // A folder in the backup's place, not empty, cannot be replaced by a file.
  fs::create_directory(dir.path / "mailbox.1-1");
  std::ofstream(dir.path / "mailbox.1-1" / "keep") << "x";
  BOOST_TEST(!store.move_to_backup(BackupRange{1, 1}));
  BOOST_TEST(!store.last_error().empty());
  BOOST_TEST(dir.read("mailbox") == "a\n");
  BOOST_TEST(!fs::exists(dir.path / "mailbox.1-1.partial"));
  BOOST_TEST(!fs::exists(dir.path / "mailbox.next"));
  BOOST_TEST(store.append("b\n", {}, ""));  // still appends to the live file
  BOOST_TEST(dir.read("mailbox") == "a\nb\n");
}

BOOST_AUTO_TEST_CASE(a_write_that_does_not_fit_leaves_no_partial_record) {
  TempDir dir;
  FreshStore fresh(dir.path);
  FileStore& store = fresh.files;
  BOOST_TEST(store.append("first\n", {}, ""));
  // A file-size limit stands in for a full disk: the write fails part-way.
  signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  getrlimit(RLIMIT_FSIZE, &old);
  rlimit small = old;
  small.rlim_cur = 100;
  BOOST_REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  const std::string long_body(500, 'x');
  const bool stored = store.append("second\n", {{}, long_body}, "\n");
  setrlimit(RLIMIT_FSIZE, &old);
  BOOST_TEST(!stored);
  BOOST_TEST(!store.last_error().empty());
  BOOST_TEST(dir.read("mailbox") == "first\n");
  BOOST_TEST(store.append("third\n", {}, ""));
  BOOST_TEST(dir.read("mailbox") == "first\nthird\n");
}

BOOST_AUTO_TEST_CASE(an_unwritable_folder_is_a_clear_error) {
  BOOST_CHECK_EXCEPTION(
      FreshStore("/nonexistent/postable"), std::runtime_error, [](const std::runtime_error& e) {
        return std::string(e.what()).find("cannot open folder") != std::string::npos;
      });
}

// A crash between the backup's two renames leaves `mailbox` and `mailbox.1-4` as two names of
// one inode; the next start must empty `mailbox` without emptying the backup.
BOOST_AUTO_TEST_CASE(a_start_never_empties_an_inode_that_has_another_name) {
  TempDir dir;
  std::ofstream(dir.path / "mailbox.1-4") << "four messages";
  fs::create_hard_link(dir.path / "mailbox.1-4", dir.path / "mailbox");
  FreshStore fresh(dir.path);
  FileStore& store = fresh.files;
  BOOST_TEST(dir.read("mailbox.1-4") == "four messages");
  BOOST_TEST(dir.read("mailbox") == "");
  BOOST_TEST(fs::hard_link_count(dir.path / "mailbox") == 1u);
  BOOST_TEST(store.append("h\n", {}, "\n"));
  BOOST_TEST(dir.read("mailbox.1-4") == "four messages");
}

// A symlink planted where the store makes a file: the link goes, its target stays untouched.
BOOST_AUTO_TEST_CASE(no_file_is_opened_through_a_symlink) {
  TempDir dir;
  TempDir elsewhere;
  std::ofstream(elsewhere.path / "precious") << "not the server's";
  fs::create_symlink(elsewhere.path / "precious", dir.path / "mailbox");
  FreshStore fresh(dir.path);
  FileStore& store = fresh.files;
  BOOST_TEST(!fs::is_symlink(dir.path / "mailbox"));
  fs::create_symlink(elsewhere.path / "precious", dir.path / "mailbox.next");
  BOOST_TEST(store.append("h\n", {{}, "b\n"}, "\n"));
  BOOST_TEST(store.move_to_backup(BackupRange{1, 1}), store.last_error());
  BOOST_TEST(elsewhere.read("precious") == "not the server's");
  BOOST_TEST(!fs::is_symlink(dir.path / "mailbox"));
  BOOST_TEST(dir.read("mailbox.1-1") == "h\nb\n\n");
  BOOST_TEST(store.append("h2\n", {}, "\n"));
  BOOST_TEST(dir.read("mailbox") == "h2\n\n");
  BOOST_TEST(elsewhere.read("precious") == "not the server's");
}

// --resume on a folder recovery cannot make sense of: one line naming the file, nothing changed.
BOOST_AUTO_TEST_CASE(a_resume_that_cannot_make_sense_of_the_files_changes_none) {
  TempDir dir;
  std::ofstream(dir.path / "mailbox.1-2") << "not records";
  std::ofstream(dir.path / "mailbox") << "Received: fr";
  std::ofstream(dir.path / "mailbox.next") << "";
  PosixFolder folder(dir.path);
  FileStore store(folder, Durability::sync);
  BOOST_CHECK_EXCEPTION(store.resume(), std::runtime_error, [](const std::runtime_error& e) {
    return std::string(e.what()) ==
           "mailbox.1-2 at byte 0: not a mailbox file of this server (no record starts here)";
  });
  BOOST_TEST(dir.read("mailbox.1-2") == "not records");
  BOOST_TEST(dir.read("mailbox") == "Received: fr");
  BOOST_TEST(fs::exists(dir.path / "mailbox.next"));
}

BOOST_AUTO_TEST_CASE(a_resume_cuts_a_torn_record_and_appends_after_the_last_whole_one) {
  TempDir dir;
  const std::string first =
      postable::format_record(postable::Envelope{"h", "a@b", {"c@d"}, "one\n"}, 1, "postable");
  std::ofstream(dir.path / "mailbox") << first << "Received: from h by postable (CS4410MP3)\nNum";
  std::ofstream(dir.path / "mailbox.next") << "";
  PosixFolder folder(dir.path);
  FileStore store(folder, Durability::sync);
  const postable::RecoveryPlan plan = store.resume();
  BOOST_TEST(plan.stored == 1u);
  BOOST_TEST(plan.notes.size() == 2u);
  BOOST_TEST(dir.read("mailbox") == first);
  BOOST_TEST(!fs::exists(dir.path / "mailbox.next"));
  BOOST_TEST(store.append("next\n", {}, ""));
  BOOST_TEST(dir.read("mailbox") == first + "next\n");
}
