#include "params.hpp"

#include <cstdio>

namespace postable::sim {

namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

const char* fault_name(Fault fault) {
  switch (fault) {
    case Fault::none:
      return "none";
    case Fault::delivery_ignores_backup:
      return "delivery-ignores-backup";
    case Fault::skip_number:
      return "skip-number";
    case Fault::early_timeout:
      return "early-timeout";
    case Fault::greedy_acceptor:
      return "greedy-acceptor";
  }
  return "?";
}

std::string Params::describe() const {
  std::string out =
      "seed=" + std::to_string(seed) + " clients=" + std::to_string(clients) +
      " workers=" + std::to_string(workers) + " backup-every=" + std::to_string(backup_every) +
      " timeout=" + number(timeout_seconds) + " arrivals/s=" + number(arrivals_per_second) +
      " backlog=" + std::to_string(backlog) + " latency-ms=" + number(latency_min_ms) + ".." +
      number(latency_max_ms) + " fragment=" + number(fragment_chance) +
      " backup-ms=" + number(backup_min_ms) + ".." + number(backup_max_ms);
  out += " mix=polite:" + std::to_string(mix.polite) +
         ",erroneous:" + std::to_string(mix.erroneous) + ",idle:" + std::to_string(mix.idle) +
         ",bytewise:" + std::to_string(mix.bytewise) +
         ",pipelined:" + std::to_string(mix.pipelined) + ",dropper:" + std::to_string(mix.dropper);
  if (fault != Fault::none) out += std::string(" fault=") + fault_name(fault);
  return out;
}

// Every value is drawn whether or not a flag fixes it, so that fixing one leaves the others
// as the seed would have them: a replay may name every value and get the same world.
Params draw_world(Params p, const Fixed& fixed) {
  Rng rng(p.seed ^ 0x5eed5eed5eedULL);
  const std::uint64_t workers = rng.between(1, 64);
  const std::uint64_t backup_every = rng.between(1, 64);
  const auto timeout = double(rng.between(1, 20));
  const auto rate = double(rng.between(100, 20000));
  p.backlog = rng.between(1, 256);
  p.latency_min_ms = double(rng.between(0, 100)) / 100.0;
  p.latency_max_ms = p.latency_min_ms + double(rng.between(0, 2000)) / 100.0;
  p.fragment_chance = double(rng.between(0, 100)) / 100.0;
  p.backup_min_ms = double(rng.between(0, 20));
  p.backup_max_ms = p.backup_min_ms + double(rng.between(0, 500));
  const Mix mix{rng.between(1, 10), rng.between(0, 5), rng.between(0, 2),
                rng.between(0, 2),  rng.between(0, 5), rng.between(0, 2)};
  if (!fixed.workers) p.workers = workers;
  if (!fixed.backup_every) p.backup_every = backup_every;
  if (!fixed.timeout) p.timeout_seconds = timeout;
  if (!fixed.rate) p.arrivals_per_second = rate;
  if (!fixed.mix) p.mix = mix;
  return p;
}

bool parse_mix(const std::string& text, Mix& mix) {
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, end - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) return false;
    const std::string key = item.substr(0, eq);
    std::uint64_t value = 0;
    try {
      value = std::stoull(item.substr(eq + 1));
    } catch (...) {
      return false;
    }
    if (key == "polite")
      mix.polite = value;
    else if (key == "erroneous")
      mix.erroneous = value;
    else if (key == "idle")
      mix.idle = value;
    else if (key == "bytewise")
      mix.bytewise = value;
    else if (key == "pipelined")
      mix.pipelined = value;
    else if (key == "dropper")
      mix.dropper = value;
    else
      return false;
    start = end + 1;
  }
  return mix.polite + mix.erroneous + mix.idle + mix.bytewise + mix.pipelined + mix.dropper > 0;
}

bool parse_fault(const std::string& text, Fault& fault) {
  for (Fault f : {Fault::none, Fault::delivery_ignores_backup, Fault::skip_number,
                  Fault::early_timeout, Fault::greedy_acceptor}) {
    if (text == fault_name(f)) {
      fault = f;
      return true;
    }
  }
  return false;
}

}  // namespace postable::sim
