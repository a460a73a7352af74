// House rules a reviewer should not have to check by eye:
//   - lines of code at most 100 columns, files at most 400 lines, functions at most 70;
//   - impl/core stays pure: no threads, sockets, files or clock reads;
//   - randomness only from seeded generators: no C rand, no random device, no std:: distributions;
//   - a quoted include names its library ("core/session.hpp"), so no two headers can be
//     taken for each other; nothing under model/ includes a library of impl/ or sim/.
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

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Patterns are assembled so that this file does not trip over its own rules.
const std::regex unseeded(std::string("std::ra") + "nd\\(|random_" + "device|_distri" + "bution<");
const std::regex impure(std::string("#include <(thread|mutex|condition_variable|future|fstream|") +
                        "filesystem|sys/socket\\.h|unistd\\.h)>|::n" + "ow\\(");
const std::regex bare_include(std::string("^#include \"") + "[^/\"]+\"");
const std::regex impl_include(std::string("^#include \"") + "(core|peer|server|multiclient|sim)/");

// The longest block in the file, formatted as clang-format leaves it: a closing brace alone
// on its line, at the indentation of the line that opened the block (a function's signature,
// a statement). Functions are such blocks; no block is longer than its function.
struct Block {
  std::size_t first_line = 0, lines = 0;
};
Block longest_block(const std::vector<std::string>& lines) {
  Block longest;
  for (std::size_t end = 0; end < lines.size(); ++end) {
    const std::size_t indent = lines[end].find('}');
    if (indent == std::string::npos || lines[end] != std::string(indent, ' ') + "}") continue;
    for (std::size_t start = end; start-- > 0;) {
      const std::string& line = lines[start];
      const bool opens =
          line.size() > indent && line.compare(0, indent, std::string(indent, ' ')) == 0 &&
          (std::isalpha(static_cast<unsigned char>(line[indent])) || line[indent] == '_');
      if (!opens) continue;
      if (end - start + 1 > longest.lines) longest = {start + 1, end - start + 1};
      break;
    }
  }
  return longest;
}

}  // namespace

BOOST_AUTO_TEST_CASE(house_rules_hold) {
  const auto files = sources();
  BOOST_TEST(files.size() > 20);
  for (const fs::path& path : files) {
    const std::string name = project_path(path);
    const bool core = name.rfind("impl/core/", 0) == 0;
    const bool model = name.rfind("model/", 0) == 0;
    const std::vector<std::string> lines = read_lines(path);
    BOOST_TEST(lines.size() <= 400u, name << " has " << lines.size() << " lines");
    const Block block = longest_block(lines);
    BOOST_TEST(block.lines <= 70u,
               name << ":" << block.first_line << ": a function of " << block.lines << " lines");
    for (std::size_t number = 1; number <= lines.size(); ++number) {
      const std::string& line = lines[number - 1];
      BOOST_TEST_CONTEXT(name << ":" << number) {
        BOOST_TEST(line.size() <= 100u, "line of " << line.size() << " columns");
        BOOST_TEST(!std::regex_search(line, unseeded), "unseeded or non-portable randomness");
        BOOST_TEST(!std::regex_search(line, bare_include), "include by library path");
        if (core) BOOST_TEST(!std::regex_search(line, impure), "impl/core must stay pure");
        if (model) BOOST_TEST(!std::regex_search(line, impl_include), "model/ includes impl/");
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
  BOOST_TEST(std::regex_search(std::string("#include \"clie") + "nt.hpp\"", bare_include));
  BOOST_TEST(!std::regex_search(std::string("#include \"sim/clie") + "nt.hpp\"", bare_include));
  BOOST_TEST(std::regex_search(std::string("#include \"core/sess") + "ion.hpp\"", impl_include));
  BOOST_TEST(
      !std::regex_search(std::string("#include \"model/vocab") + "ulary.hpp\"", impl_include));
}

BOOST_AUTO_TEST_CASE(the_function_rule_measures_functions_and_their_blocks) {
  std::vector<std::string> lines{"namespace x {", "", "int f(int a,", "      int b) {"};
  for (int i = 0; i < 69; ++i) lines.push_back("  ++a;");
  lines.insert(lines.end(), {"}", "", "}  // namespace x"});
  BOOST_TEST(longest_block(lines).lines == 72u);  // the signature (two lines), body, brace
  BOOST_TEST(longest_block(lines).first_line == 3u);
  const std::vector<std::string> nested{"void g() {", "  if (a) {", "    b();", "  }", "}"};
  BOOST_TEST(longest_block(nested).lines == 5u);
}
