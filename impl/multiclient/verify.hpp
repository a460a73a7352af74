// After a run: every acknowledged message stands in the server's mailbox files with its
// number, envelope and exact body; each backup file holds exactly its range; and, when
// this client was the server's only one (which --verify asserts), the numbers are 1..N.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/envelope.hpp"

namespace postable::multiclient {

std::vector<std::string> verify_mailbox(const std::string& dir,
                                        const std::map<std::uint64_t, Envelope>& delivered,
                                        const std::string& server_name, std::uint64_t backup_every);

}  // namespace postable::multiclient
