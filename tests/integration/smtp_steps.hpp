// Steps the integration tests take against a real smtpd: a whole delivery, waiting for a
// file, reading the numbers a mailbox file holds.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "integration/server_process.hpp"
#include "peer/line_client.hpp"

namespace postable::testing {

using Client = peer::LineClient;
using Clock = std::chrono::steady_clock;

// A whole delivery on an open, greeted-and-HELOed client; returns the final reply.
std::string send_message(Client& client, const std::string& from, const std::string& to,
                         const std::vector<std::string>& body_lines);

double seconds_since(Clock::time_point start);

// Waits up to `patience` for a file to appear (the backup runs after the reply).
bool eventually_exists(const ServerProcess& server, const std::string& name,
                       std::chrono::milliseconds patience = std::chrono::milliseconds(1000));

// The numbers of the records in a mailbox file, in file order; a file that is not all
// records adds a 0, which no expected list holds.
std::vector<int> numbers_in(const std::string& text);

std::vector<int> range(int first, int last);

}  // namespace postable::testing
