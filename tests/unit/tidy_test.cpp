// House rules a reviewer should not have to check by eye:
//   - lines of code at most 100 columns;
//   - impl/core stays pure: no threads, sockets, files or clock reads;
//   - randomness only from seeded generators: no C rand, no random device, no std:: distributions.
#define BOOST_TEST_MODULE tidy
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> sources() {
  std::vector<fs::path> found;
  for (const char* folder : {"impl", "model", "sim", "tests"}) {
    const fs::path root = fs::path(POSTABLE_SOURCE_DIR) / folder;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const auto extension = entry.path().extension();
      if (extension == ".cpp" || extension == ".hpp") found.push_back(entry.path());
    }
  }
  return found;
}

std::string project_path(const fs::path& path) {
  return fs::relative(path, POSTABLE_SOURCE_DIR).generic_string();
}

// Patterns are assembled so that this file does not trip over its own rules.
const std::regex unseeded(std::string("std::ra") + "nd\\(|random_" + "device|_distri" + "bution<");
const std::regex impure(std::string("#include <(thread|mutex|condition_variable|future|fstream|") +
                        "filesystem|sys/socket\\.h|unistd\\.h)>|::n" + "ow\\(");

}  // namespace

BOOST_AUTO_TEST_CASE(house_rules_hold) {
  const auto files = sources();
  BOOST_TEST(files.size() > 20);
  for (const fs::path& path : files) {
    const std::string name = project_path(path);
    const bool core = name.rfind("impl/core/", 0) == 0;
    std::ifstream in(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      BOOST_TEST_CONTEXT(name << ":" << number) {
        BOOST_TEST(line.size() <= 100u, "line of " << line.size() << " columns");
        BOOST_TEST(!std::regex_search(line, unseeded), "unseeded or non-portable randomness");
        if (core) BOOST_TEST(!std::regex_search(line, impure), "impl/core must stay pure");
      }
    }
  }
}

// The rules themselves must bite: each pattern catches what it is meant to.
BOOST_AUTO_TEST_CASE(the_rules_catch_what_they_ban) {
  BOOST_TEST(std::regex_search(std::string("int x = std::ra") + "nd();", unseeded));
  BOOST_TEST(
      std::regex_search(std::string("std::uniform_int_distri") + "bution<int> d;", unseeded));
  BOOST_TEST(std::regex_search(std::string("#include <thr") + "ead>", impure));
  BOOST_TEST(
      std::regex_search(std::string("auto t = std::chrono::steady_clock::n") + "ow();", impure));
  BOOST_TEST(!std::regex_search(std::string("Instant now"), impure));
}
