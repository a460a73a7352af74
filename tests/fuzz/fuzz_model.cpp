// The model compiler's parser and checker on any text (mutated model files, from the seed
// corpus of sound and broken ones): no crash, and either diagnostics, each on a line of the
// file (0: the file as a whole) and saying something, or a model that passes every check,
// whose table the emitters write.
#include <algorithm>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "model/compiler/check.hpp"
#include "model/compiler/emit.hpp"
#include "model/compiler/parse.hpp"

using postable::fuzz::demand;
using namespace postable::modelc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto lines = int(std::count(text.begin(), text.end(), '\n')) + 1;
  Diagnostics diagnostics;
  const Model model = parse_model(text, diagnostics);
  std::optional<Table> table;
  if (diagnostics.empty()) table = check_model(model, diagnostics);
  for (const Diagnostic& diagnostic : diagnostics) {
    demand(diagnostic.line >= 0 && diagnostic.line <= lines, "a diagnostic names a line");
    demand(!diagnostic.message.empty(), "a diagnostic says something");
  }
  demand(table.has_value() == diagnostics.empty(), "a table exactly when nothing is wrong");
  if (table) {
    demand(!emit_header(model, *table, "fuzz.model").empty(), "a header for a sound model");
    demand(!emit_dot(model, *table).empty(), "a graph for a sound model");
  }
  return 0;
}
