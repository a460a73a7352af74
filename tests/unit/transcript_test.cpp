// Replays every case of tests/transcripts/*.md whole, one byte at a time, and at every
// chunk size: the replies and the mailbox must be exactly the document's, every time.
#define BOOST_TEST_DYN_LINK
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "support/transcript.hpp"

namespace {

using postable::testing::printable;
using postable::testing::replay;
using postable::testing::TranscriptCase;

void check_case(const TranscriptCase& c) {
  std::size_t longest = 1;
  for (const auto& step : c.steps) longest = std::max(longest, step.bytes.size());
  std::vector<std::size_t> chunk_sizes{std::numeric_limits<std::size_t>::max()};
  for (std::size_t size = 1; size <= longest; ++size) chunk_sizes.push_back(size);
  for (std::size_t chunk : chunk_sizes) {
    const auto result = replay(c, chunk);
    const std::string how = chunk == std::numeric_limits<std::size_t>::max()
                                ? "whole"
                                : "chunks of " + std::to_string(chunk);
    BOOST_TEST_INFO(c.file << ":" << c.line << " (" << how << ")");
    BOOST_TEST(result.failure == "");
    if (result.replies != c.expected_replies) {
      BOOST_ERROR("replies differ\n--- expected\n"
                  << printable(c.expected_replies) << "--- got\n"
                  << printable(result.replies));
      return;
    }
    if (c.has_mailbox && result.mailbox != c.expected_mailbox) {
      BOOST_ERROR("mailbox differs\n--- expected\n"
                  << printable(c.expected_mailbox) << "--- got\n"
                  << printable(result.mailbox));
      return;
    }
  }
}

std::string test_name(const std::string& title) {
  std::string name;
  for (char ch : title) name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name;
}

bool register_transcripts() {
  namespace fs = std::filesystem;
  namespace utf = boost::unit_test;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(POSTABLE_TRANSCRIPTS_DIR)) {
    if (entry.path().extension() == ".md" && entry.path().filename() != "README.md") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    auto* suite = BOOST_TEST_SUITE(file.stem().string());
    for (const TranscriptCase& c : postable::testing::parse_transcripts(file.string())) {
      suite->add(utf::make_test_case([c] { check_case(c); }, test_name(c.title), file.string(),
                                     std::size_t(c.line)));
    }
    utf::framework::master_test_suite().add(suite);
  }
  return true;
}

}  // namespace

int main(int argc, char* argv[]) {
  return boost::unit_test::unit_test_main(&register_transcripts, argc, argv);
}
