#include "sim/trace.hpp"

namespace postable::sim {

namespace {

std::string micros(Instant at) {
  const std::int64_t ns = at.since_origin.count();
  std::string fraction = std::to_string(ns % 1000);
  return std::to_string(ns / 1000) + "." + std::string(3 - fraction.size(), '0') + fraction;
}

}  // namespace

TraceWriter::TraceWriter(const std::string& path) : out_(path, std::ios::trunc) {
  out_ << "{\"traceEvents\": [\n";
}

TraceWriter::~TraceWriter() {
  out_ << "\n]}\n";
}

void TraceWriter::separator() {
  if (!first_) out_ << ",\n";
  first_ = false;
}

void TraceWriter::name_track(std::uint64_t track, const std::string& name) {
  separator();
  out_ << R"({"name": "thread_name", "ph": "M", "pid": 1, "tid": )" << track
       << R"(, "args": {"name": ")" << name << "\"}}";
}

void TraceWriter::span(std::uint64_t track, const std::string& name, Instant start, Instant end) {
  separator();
  out_ << R"({"name": ")" << name << R"(", "ph": "X", "pid": 1, "tid": )" << track
       << ", \"ts\": " << micros(start) << ", \"dur\": " << micros(Instant{end - start}) << "}";
}

}  // namespace postable::sim
