// Steps the integration tests take against a real smtpd: a whole delivery, waiting for a
// file, reading the numbers a mailbox file holds.
#pragma once

#include <chrono>
#include <map>
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

// Body lines of at most `bytes` as sent (dots stuffed, CRLFs counted), after `first`: text of many
// lengths, and lines the protocol and the store treat apart (a leading dot, a lone dot, an empty
// line, lines to quote).
std::vector<std::string> long_body(std::size_t bytes, const std::string& first);
// The body as the mailbox keeps it: each line ended by LF.
std::string stored_lines(const std::vector<std::string>& lines);
// What is wrong with a mailbox file that should hold exactly `bodies` (by number), each record
// written as format_record() writes it; empty when nothing is.
std::string check_records(const std::string& file, const std::map<int, std::string>& bodies);

double seconds_since(Clock::time_point start);

// Waits up to `patience` for a file to appear (the backup runs after the reply).
bool eventually_exists(const ServerProcess& server, const std::string& name,
                       std::chrono::milliseconds patience = std::chrono::milliseconds(1000));

// The numbers of the records in a mailbox file, in file order; a file that is not all
// records adds a 0, which no expected list holds.
std::vector<int> numbers_in(const std::string& text);

std::vector<int> range(int first, int last);

}  // namespace postable::testing
