#include "sim/network.hpp"

#include <algorithm>

#include "sim/connection.hpp"

namespace postable::sim {

Network::Network(const Params& params, Rng& rng, Agenda<Notice>& agenda, Summary& summary)
    : params_(params), rng_(rng), agenda_(agenda), summary_(summary) {
  latency_min_ = Duration(std::int64_t(params.latency_min_ms * 1e6));
  latency_spread_ =
      std::uint64_t(std::int64_t(params.latency_max_ms * 1e6) - latency_min_.count()) + 1;
}

// A world without network faults draws nothing for them: its runs are what they were.
Duration Network::latency() {
  Duration latency = latency_min_ + Duration(rng_.below(latency_spread_));
  if (params_.spike_chance > 0 && rng_.chance(params_.spike_chance)) {
    ++summary_.net_spikes;
    latency *= std::int64_t(rng_.between(5, 50));
  }
  if (params_.stall_chance > 0 && rng_.chance(params_.stall_chance)) {
    ++summary_.net_stalls;
    const double stall_s = params_.timeout_seconds * double(rng_.between(50, 200)) / 100;
    latency += Duration(std::int64_t(stall_s * 1e9));
  }
  return latency;
}

// It arrives after a drawn latency, never before the packet ahead of it.
void Network::send(Connection& c, Kind kind, std::string_view bytes, bool eof) {
  Link& link = kind == Kind::to_server ? c.to_server : c.to_client;
  const bool was_idle = link.idle();
  const Instant at = link.send(agenda_.now(), latency(), bytes, eof);
  if (was_idle) agenda_.schedule(at, Notice{kind, c.id, c.slot});
}

void Network::send_fragmented(Connection& c, std::string_view bytes, bool bytewise) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    std::size_t piece = bytes.size() - done;
    if (bytewise)
      piece = 1;
    else if (rng_.chance(params_.fragment_chance))
      piece = std::size_t(rng_.between(1, piece));
    send(c, Kind::to_server, bytes.substr(done, piece), false);
    done += piece;
  }
}

Link::Arrival Network::arrive(Connection& c, const Notice& notice) {
  Link& link = notice.kind == Kind::to_server ? c.to_server : c.to_client;
  const Link::Arrival arrival = link.arrive();
  if (!link.idle()) agenda_.schedule(link.next_arrival(), notice);
  return arrival;
}

}  // namespace postable::sim
