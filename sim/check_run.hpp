// `smtpsim check TRACE...`: judges the traces of real runs (smtpd --trace) with the
// simulator's oracle, in the order given (a run killed, then the --resume runs after it).
#pragma once

#include <string>
#include <vector>

namespace postable::sim {

struct CheckOptions {
  std::vector<std::string> traces;
  double slack_ms = 1000;     // how late a timeout, or the stop's 421, may come
  std::string timeline;       // a Chrome trace-event file of the runs, for Perfetto
  double progress_every = 5;  // seconds between progress lines on long traces
  bool quiet = false;         // only the verdict
};

// 0: every promise held; 1: a violation (reported on stdout); 2: a trace that cannot be read
// (one line on stderr, naming the byte where it goes wrong).
int run_check(const CheckOptions& options);

}  // namespace postable::sim
