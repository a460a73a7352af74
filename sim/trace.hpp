// A Chrome trace-event file (viewable in Perfetto or chrome://tracing): one track per
// virtual worker with a span per session, and one track for the backup thread. Written as
// the run goes, so memory does not grow with the number of finished sessions.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

#include "core/time.hpp"

namespace postable::sim {

class TraceWriter {
 public:
  explicit TraceWriter(const std::string& path);
  ~TraceWriter();
  bool ok() const { return bool(out_); }
  void name_track(std::uint64_t track, const std::string& name);
  void span(std::uint64_t track, const std::string& name, Instant start, Instant end);

 private:
  void separator();

  std::ofstream out_;
  bool first_ = true;
};

}  // namespace postable::sim
