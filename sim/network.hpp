// The virtual network, standing in for the sockets of impl/server/socket.cpp: each direction
// of a connection is a link whose packets arrive after a drawn latency, in the order sent.
// Its faults, drawn per world: a packet's latency may spike (five to fifty times), a link may
// stall (for half to twice the timeout, holding back what follows, as TCP does), and a
// connection may be reset by either side (World::reset).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/rng.hpp"
#include "core/time.hpp"
#include "sim/agenda.hpp"
#include "sim/digest.hpp"
#include "sim/notice.hpp"
#include "sim/params.hpp"

namespace postable::sim {

struct Connection;

// One direction of a connection: the packets in flight, in the order they arrive. Only the
// first is on the agenda; its arrival puts the next one there, so the agenda holds one notice
// per busy link however many packets a client sends at once. The bytes in flight sit in one
// buffer, reused once all have arrived.
class Link {
 public:
  struct Arrival {
    std::string_view bytes;  // valid until the next send on this link
    bool eof;
  };

  bool idle() const { return head_ == packets_.size(); }
  Instant next_arrival() const { return packets_[head_].at; }
  // Returns when the bytes arrive: after `latency`, and never before those sent ahead.
  // Inline, as is arrive(): a link carries every byte of a run.
  Instant send(Instant now, Duration latency, std::string_view bytes, bool eof) {
    if (idle()) {
      packets_.clear();
      bytes_.clear();
      head_ = 0;
      arrived_bytes_ = 0;
    }
    last_ = std::max(now + latency, last_);
    bytes_.append(bytes);
    packets_.push_back({last_, bytes.size(), eof});
    return last_;
  }
  // A reset: what is in flight is lost. The notice of its head, if any, finds nothing.
  void drop() { head_ = packets_.size(); }
  Arrival arrive() {
    if (idle()) return {std::string_view(bytes_.data(), 0), false};  // dropped by a reset
    const Packet& packet = packets_[head_++];
    const std::string_view bytes = std::string_view(bytes_).substr(arrived_bytes_, packet.size);
    arrived_bytes_ += packet.size;
    return {bytes, packet.eof};
  }

 private:
  struct Packet {
    Instant at;
    std::size_t size;
    bool eof;
  };
  std::string bytes_;
  std::vector<Packet> packets_;  // those before `head_` have arrived
  std::size_t head_ = 0, arrived_bytes_ = 0;
  Instant last_{};
};

class Network {
 public:
  Network(const Params& params, Rng& rng, Agenda<Notice>& agenda, Summary& summary);
  // Puts a packet on its way (kind: to_server or to_client).
  void send(Connection& c, Kind kind, std::string_view bytes, bool eof);
  // A client's batch, cut into packets as a network may cut it (or byte by byte).
  void send_fragmented(Connection& c, std::string_view bytes, bool bytewise);
  // The packet a to_server/to_client notice announces; the link's next goes on the agenda.
  Link::Arrival arrive(Connection& c, const Notice& notice);

 private:
  Duration latency();  // one way: min + [0, spread), now and then spiked or stalled

  const Params& params_;
  Rng& rng_;
  Agenda<Notice>& agenda_;
  Summary& summary_;
  Duration latency_min_{};
  std::uint64_t latency_spread_ = 1;
};

}  // namespace postable::sim
