// smtpmodelc: checks model/smtp.model and writes the protocol table header and the DOT graph.
//   smtpmodelc --check FILE                 run the checks only
//   smtpmodelc FILE --header H --dot D      check, then write both outputs
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "model/compiler/check.hpp"
#include "model/compiler/emit.hpp"
#include "model/compiler/parse.hpp"

namespace {

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (out) return true;
  std::cerr << "smtpmodelc: cannot write " << path << "\n";
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"smtpmodelc: proves an SMTP protocol model and emits its table and diagram"};
  std::string model_path, header_path, dot_path;
  bool check_only = false;
  app.add_option("model", model_path, "the model file")->required();
  app.add_flag("--check", check_only, "run the checks only; write nothing");
  app.add_option("--header", header_path, "write the C++ table header here");
  app.add_option("--dot", dot_path, "write the DOT graph here");
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(model_path, std::ios::binary);
  if (!in) {
    std::cerr << model_path << ": cannot read the model\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();

  using namespace postable::modelc;
  Diagnostics diagnostics;
  Model model = parse_model(text.str(), diagnostics);
  std::optional<Table> table;
  if (diagnostics.empty()) table = check_model(model, diagnostics);
  for (const Diagnostic& d : diagnostics) {
    std::cerr << model_path << (d.line > 0 ? ":" + std::to_string(d.line) : "") << ": " << d.message
              << "\n";
  }
  if (!table) {
    std::cerr << "smtpmodelc: " << diagnostics.size() << " error(s); nothing written\n";
    return 1;
  }
  if (check_only) {
    std::cout << model_path << ": ok (" << model.states.size() << " states, " << model.verbs.size()
              << " verbs, " << table->rows.size() << " rows)\n";
    return 0;
  }
  const std::string source = model_path.substr(model_path.find_last_of('/') + 1);
  if (!header_path.empty() && !write_file(header_path, emit_header(model, *table, source)))
    return 2;
  if (!dot_path.empty() && !write_file(dot_path, emit_dot(model, *table))) return 2;
  return 0;
}
