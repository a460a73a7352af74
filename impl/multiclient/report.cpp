#include "multiclient/report.hpp"

#include <nlohmann/json.hpp>

#include "core/decimal.hpp"
#include "core/table.hpp"

namespace postable::multiclient {

namespace {

// Figures to the hundredth, in the text and in the JSON alike.
std::string fixed(double value) {
  return fixed_point(value, 2);
}

double hundredths(double value) {
  return rounded(value, 2);
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
  nlohmann::ordered_json replies = nlohmann::ordered_json::object();
  for (const auto& [code, count] : s.replies) replies[std::to_string(code)] = count;
  nlohmann::ordered_json mismatches = nlohmann::ordered_json::array();
  for (const Mismatch& m : s.mismatches) mismatches.push_back(m.what);
  for (const std::string& problem : result.verify_problems) {
    mismatches.push_back("verify: " + problem);
  }
  const nlohmann::ordered_json json = {
      {"seed", result.seed},
      {"seconds", hundredths(result.seconds)},
      {"sessions", s.sessions},
      {"ops", s.ops},
      {"ops_per_second", hundredths(ops_per_second(result))},
      {"latency_ms",
       {{"p50", hundredths(s.p50_ms)},
        {"p99", hundredths(s.p99_ms)},
        {"max", hundredths(s.max_ms)}}},
      {"replies", replies},
      {"replies_exercised", s.reply_kinds.size()},
      {"replies_total", model::reply_count},
      {"rows_exercised", s.rows.size()},
      {"rows_total", model::row_count},
      {"messages", s.delivered.size()},
      {"mismatches", mismatches},
  };
  return json.dump(2) + "\n";
}

}  // namespace postable::multiclient
