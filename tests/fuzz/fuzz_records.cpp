// The one record reader on any bytes, and records written and read back.
//   - parse_records() on arbitrary bytes: no crash; the whole records it reports lie within
//     the text, and the text is all records exactly when no problem is named.
//   - recovery on arbitrary bytes as `mailbox`: no crash; either a refusal at a byte within the
//     file, or a cut that leaves whole records only, and no cut at all of a file that is all
//     records.
//   - format_record() then parse_records() on the envelopes and bodies the input spells out
//     (fields split at NUL bytes, as a session could have taken them): exactly the records
//     written, body for body.
#include <string>
#include <vector>

#include "core/record.hpp"
#include "core/recovery.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

using namespace postable;
using postable::fuzz::demand;

// A host or address as the session takes it: one run of printable bytes, never empty.
std::string token(std::string_view field) {
  std::string out;
  for (char c : field) {
    if (c >= 0x21 && c <= 0x7e) out += c;
  }
  return out.empty() ? "x" : out;
}

// A body as the session hands it over: lines without CR or LF, each ending in LF.
std::string body(std::string_view field) {
  std::string out;
  for (char c : field) {
    if (c != '\r') out += c;
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

std::vector<std::string_view> fields(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t nul; (nul = text.find('\0')) != std::string_view::npos;) {
    out.push_back(text.substr(0, nul));
    text.remove_prefix(nul + 1);
  }
  out.push_back(text);
  return out;
}

void read_any_bytes(std::string_view text) {
  const ParsedRecords parsed = parse_records(text);
  demand(parsed.whole_bytes <= text.size(), "the whole records lie within the text");
  demand(parsed.problem.empty() == (parsed.whole_bytes == text.size()),
         "a problem is named exactly when the text is not all records");
  const Recovery recovery = plan_recovery({examine_mailbox_file("mailbox", 1, text)});
  if (const auto* refused = std::get_if<RecoveryError>(&recovery)) {
    demand(refused->offset <= text.size(), "a refusal names a byte within the file");
    return;
  }
  const RecoveryPlan& plan = std::get<RecoveryPlan>(recovery);
  demand(plan.live_bytes <= text.size(), "recovery keeps at most the file");
  demand(parse_records(text.substr(0, plan.live_bytes)).problem.empty(),
         "what recovery keeps is whole records");
  demand(!parsed.problem.empty() || plan.live_bytes == text.size(),
         "a file of whole records is never cut");
}

// Fields: HELO, MAIL, RCPT, body, and again for the next record (at most three).
void write_and_read_back(std::string_view text) {
  const std::vector<std::string_view> parts = fields(text);
  std::string file;
  std::vector<ParsedRecord> written;
  for (std::size_t i = 0; i + 3 < parts.size() && written.size() < 3; i += 4) {
    Envelope envelope{
        token(parts[i]), token(parts[i + 1]), {token(parts[i + 2])}, body(parts[i + 3])};
    const std::uint64_t number = written.size() + 1;
    append_record(file, envelope, number, "postable");
    written.push_back({number, "postable", std::move(envelope)});
  }
  const ParsedRecords parsed = parse_records(file);
  demand(parsed.problem.empty(), "records written read back without a problem");
  demand(parsed.records == written, "records written read back exactly");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  postable::fuzz::Choices choices(data, size);
  const std::uint8_t which = choices.byte();
  if (which % 2 == 0) {
    read_any_bytes(choices.rest());
  } else {
    write_and_read_back(choices.rest());
  }
  return 0;
}
