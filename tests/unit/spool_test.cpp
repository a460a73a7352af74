// The spool and the copy out of it on their own: a nameless file, bytes copied exactly in the
// kernel or through a buffer, and every failure (a lost piece, a full disk while spooling or
// while copying in) answered by not storing the message, with no partial record left.
#define BOOST_TEST_MODULE spool
#define BOOST_TEST_DYN_LINK
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/rng.hpp"
#include "server/file_copy.hpp"
#include "server/file_store.hpp"
#include "server/posix_folder.hpp"
#include "server/spool.hpp"
#include "support/mailbox_folder.hpp"

namespace fs = std::filesystem;
using namespace postable;
using postable::testing::TemporaryFolder;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string noise(std::size_t bytes) {
  Rng rng(7);
  std::string out(bytes, '\0');
  for (char& c : out) c = char('a' + rng.below(26));
  return out;
}

// A file holding `bytes`, opened for reading and writing; closed with the object.
struct OpenFile {
  OpenFile(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
    fd = ::open(path.c_str(), O_RDWR);
    BOOST_REQUIRE(fd >= 0);
  }
  ~OpenFile() { ::close(fd); }
  int fd = -1;
};

// The file-size limit stands in for a full disk; set back when the object goes.
struct FileSizeLimit {
  explicit FileSizeLimit(rlim_t bytes) {
    signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit small = old;
    small.rlim_cur = bytes;
    BOOST_REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  }
  ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &old); }
  rlimit old{};
};

Envelope spooled_envelope(Spool& spool, const std::string& front, const std::string& rest) {
  spool.write(front, 0);
  return Envelope{"h", "a@b", {"c@d"}, rest, front.size()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_copy_through_a_buffer_takes_exactly_the_bytes_asked_for) {
  TemporaryFolder dir;
  const std::string text = noise(200000);
  OpenFile from(dir.path() / "from", text);
  OpenFile to(dir.path() / "to", "start:");
  BOOST_REQUIRE(::lseek(to.fd, 0, SEEK_END) == 6);
  BOOST_TEST(copy_through_buffer(to.fd, from.fd, 70001, 100003) == 0);
  BOOST_TEST(read_file(dir.path() / "to") == "start:" + text.substr(70001, 100003));
}

BOOST_AUTO_TEST_CASE(a_copy_on_one_file_system_never_passes_through_us) {
  TemporaryFolder dir;
  const std::string text = noise(300000);
  OpenFile from(dir.path() / "from", text);
  OpenFile to(dir.path() / "to", "");
  CopyCounts counts;
  BOOST_TEST(append_copied(to.fd, from.fd, 250000, counts) == 0);
  BOOST_TEST(counts.in_kernel == 250000u);
  BOOST_TEST(counts.through_buffer == 0u);
  BOOST_TEST(read_file(dir.path() / "to") == text.substr(0, 250000));
}

// Between file systems (tmpfs to the folder's) the kernel says no: the bytes go through us.
BOOST_AUTO_TEST_CASE(a_copy_the_kernel_refuses_goes_through_a_buffer) {
  if (!fs::is_directory("/dev/shm")) return;  // no second file system to copy from
  TemporaryFolder dir;
  const std::string text = noise(150000);
  const fs::path shm = "/dev/shm/postable-spool-test-" + std::to_string(::getpid());
  {
    OpenFile from(shm, text);
    OpenFile to(dir.path() / "to", "");
    CopyCounts counts;
    BOOST_TEST(append_copied(to.fd, from.fd, text.size(), counts) == 0);
    BOOST_TEST(counts.through_buffer == text.size());
    BOOST_TEST(read_file(dir.path() / "to") == text);
  }
  fs::remove(shm);
}

BOOST_AUTO_TEST_CASE(the_spool_has_no_name_in_the_folder) {
  TemporaryFolder dir;
  PosixFolder folder(dir.path());
  Spool spool(folder.fd());
  const Envelope envelope = spooled_envelope(spool, noise(1000) + "\n", "end\n");
  BOOST_TEST(spool.stored_body(envelope).has_value());
  BOOST_TEST(fs::is_empty(dir.path()));
}

BOOST_AUTO_TEST_CASE(a_body_whose_front_the_spool_does_not_hold_is_not_stored) {
  TemporaryFolder dir;
  PosixFolder folder(dir.path());
  Spool spool(folder.fd());
  Envelope envelope = spooled_envelope(spool, "front\n", "rest\n");
  envelope.body_offset = 7;  // a piece went missing on the way
  BOOST_TEST(!spool.stored_body(envelope).has_value());
  spool.write("a\n", 0);
  spool.write("c\n", 4);  // and here one did: "b\n" at byte 2
  BOOST_TEST(!spool.stored_body(Envelope{"h", "a@b", {"c@d"}, "", 6}).has_value());
  BOOST_TEST(spool.last_error() == "a piece of the body went missing");
}

BOOST_AUTO_TEST_CASE(a_disk_full_while_spooling_stores_nothing_and_the_next_message_goes_on) {
  TemporaryFolder dir;
  PosixFolder folder(dir.path());
  Spool spool(folder.fd());
  {
    const FileSizeLimit limit(1000);
    const Envelope envelope = spooled_envelope(spool, noise(3000) + "\n", "end\n");
    BOOST_TEST(!spool.stored_body(envelope).has_value());
    BOOST_TEST(spool.last_error().starts_with("cannot write the spool: "));
  }
  const Envelope next = spooled_envelope(spool, noise(3000) + "\n", "end\n");
  const auto body = spool.stored_body(next);
  BOOST_REQUIRE(body.has_value());
  BOOST_TEST(body->front.bytes == 3005u);  // the rest goes to the spool too
  BOOST_TEST(body->rest.empty());
}

BOOST_AUTO_TEST_CASE(a_disk_full_while_copying_in_leaves_no_partial_record) {
  TemporaryFolder dir;
  PosixFolder folder(dir.path());
  FileStore store(folder, Durability::sync);
  store.start_fresh();
  Spool spool(folder.fd());
  BOOST_TEST(store.append("first\n", {}, ""));
  const Envelope envelope = spooled_envelope(spool, noise(5000) + "\n", "end\n");
  const auto body = spool.stored_body(envelope);
  BOOST_REQUIRE(body.has_value());
  {
    const FileSizeLimit limit(3000);  // the spool is written; the mailbox cannot take it
    BOOST_TEST(!store.append("second\n", *body, "\n"));
  }
  BOOST_TEST(read_file(dir.path() / "mailbox") == "first\n");
  BOOST_TEST(store.append("third\n", *body, "\n"));
  BOOST_TEST(read_file(dir.path() / "mailbox") == "first\nthird\n" + noise(5000) + "\nend\n\n");
}
