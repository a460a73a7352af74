// A long body goes to the spool in pieces as it comes and is copied into the mailbox: the
// record stored is byte for byte the record of the body held whole, wherever the pieces are
// cut and however much of the body was spooled, message after message through one spool.
#define BOOST_TEST_MODULE spool_property
#define BOOST_TEST_DYN_LINK
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "core/record.hpp"
#include "property/envelope_gen.hpp"
#include "server/file_store.hpp"
#include "server/posix_folder.hpp"
#include "server/spool.hpp"
#include "support/mailbox_folder.hpp"

namespace {

using namespace postable;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The envelope as the session hands it over once `spilled` bytes of its body went to the
// spool in pieces cut where the generator says.
Envelope spill(Spool& spool, const Envelope& envelope, std::size_t spilled) {
  for (std::size_t at = 0; at < spilled;) {
    const auto cut = *rc::gen::inRange<std::size_t>(1, spilled - at + 1);
    spool.write(std::string_view(envelope.body).substr(at, cut), at);
    at += cut;
  }
  Envelope rest = envelope;
  rest.body.erase(0, spilled);
  rest.body_offset = spilled;
  return rest;
}

}  // namespace

RC_BOOST_PROP(a_spooled_body_is_stored_as_the_body_held_whole, ()) {
  const auto envelopes = *rc::gen::container<std::vector<Envelope>>(*rc::gen::inRange(1, 5),
                                                                    postable::testing::envelope());
  postable::testing::TemporaryFolder dir;
  PosixFolder folder(dir.path());
  FileStore store(folder, Durability::none);
  store.start_fresh();
  Spool spool(folder.fd());
  std::string expected;
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    const Envelope& envelope = envelopes[i];
    expected += format_record(envelope, i + 1, "postable");
    const auto spilled = *rc::gen::inRange<std::size_t>(0, envelope.body.size() + 1);
    RC_TAG(spilled == 0 ? "held whole" : "spooled");
    const Envelope handed_over = spill(spool, envelope, spilled);
    const auto body = spool.stored_body(handed_over);
    RC_ASSERT(body.has_value());
    RC_ASSERT(store.append(format_record_head(envelope, i + 1, "postable"), *body, record_end));
  }
  RC_ASSERT(read_file(dir.path() / "mailbox") == expected);
}
