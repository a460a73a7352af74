#include "report.hpp"

#include <cstdio>

#include "table.hpp"

namespace postable::multiclient {

namespace {

std::string fixed(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else if (c == '\n')
      out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20)
      out += ' ';
    else
      out += c;
  }
  return out + "\"";
}

double ops_per_second(const RunResult& result) {
  return result.seconds > 0 ? double(result.summary.ops) / result.seconds : 0;
}

}  // namespace

std::string summary_text(const RunResult& result) {
  const Stats::Summary& s = result.summary;
  std::string out;
  out += "seed " + std::to_string(result.seed) + "\n";
  out += "sessions " + std::to_string(s.sessions) + ", operations " + std::to_string(s.ops) +
         " in " + fixed(result.seconds) + " s: " + fixed(ops_per_second(result)) + " ops/s\n";
  out += "replies:";
  for (const auto& [code, count] : s.replies)
    out += " " + std::to_string(code) + "x" + std::to_string(count);
  out += "\nlatency ms: p50 " + fixed(s.p50_ms) + ", p99 " + fixed(s.p99_ms) + ", max " +
         fixed(s.max_ms) + "\n";
  out += "replies of the model exercised: " + std::to_string(s.reply_kinds.size()) + " of " +
         std::to_string(model::reply_count) + "\n";
  for (std::size_t r = 0; r < model::reply_count; ++r) {
    if (!s.reply_kinds.count(r)) {
      out += "  not exercised: " + std::string(model::replies[r].name) + " (" +
             std::to_string(model::replies[r].code) + ")\n";
    }
  }
  out += "model rows exercised: " + std::to_string(s.rows.size()) + " of " +
         std::to_string(model::row_count) + "\n";
  for (std::size_t r = 0; r < model::row_count; ++r) {
    if (!s.rows.count(r)) out += "  not exercised: " + describe(model::rows[r]) + "\n";
  }
  out += "messages stored: " + std::to_string(s.delivered.size()) + "\n";
  for (const std::string& problem : result.verify_problems) out += "VERIFY: " + problem + "\n";
  out += "mismatches: " + std::to_string(s.mismatches.size()) + "\n";
  for (const Mismatch& m : s.mismatches) {
    out += "MISMATCH: " + m.what + "\n";
    if (!m.transcript.empty()) out += m.transcript;
  }
  return out;
}

std::string summary_json(const RunResult& result) {
  const Stats::Summary& s = result.summary;
  std::string out = "{\n";
  out += "  \"seed\": " + std::to_string(result.seed) + ",\n";
  out += "  \"seconds\": " + fixed(result.seconds) + ",\n";
  out += "  \"sessions\": " + std::to_string(s.sessions) + ",\n";
  out += "  \"ops\": " + std::to_string(s.ops) + ",\n";
  out += "  \"ops_per_second\": " + fixed(ops_per_second(result)) + ",\n";
  out += "  \"latency_ms\": {\"p50\": " + fixed(s.p50_ms) + ", \"p99\": " + fixed(s.p99_ms) +
         ", \"max\": " + fixed(s.max_ms) + "},\n";
  out += "  \"replies\": {";
  bool first = true;
  for (const auto& [code, count] : s.replies) {
    out += std::string(first ? "" : ", ") + "\"" + std::to_string(code) +
           "\": " + std::to_string(count);
    first = false;
  }
  out += "},\n  \"replies_exercised\": " + std::to_string(s.reply_kinds.size()) + ",\n";
  out += "  \"replies_total\": " + std::to_string(model::reply_count) + ",\n";
  out += "  \"rows_exercised\": " + std::to_string(s.rows.size()) + ",\n";
  out += "  \"rows_total\": " + std::to_string(model::row_count) + ",\n";
  out += "  \"messages\": " + std::to_string(s.delivered.size()) + ",\n";
  out += "  \"mismatches\": [";
  first = true;
  for (const Mismatch& m : s.mismatches) {
    out += std::string(first ? "" : ", ") + json_string(m.what);
    first = false;
  }
  for (const std::string& problem : result.verify_problems) {
    out += std::string(first ? "" : ", ") + json_string("verify: " + problem);
    first = false;
  }
  out += "]\n}\n";
  return out;
}

}  // namespace postable::multiclient
