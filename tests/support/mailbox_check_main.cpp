// mailbox_check DIR TOTAL BACKUP_EVERY: the test suite's own rule for a mailbox folder
// (check_mailbox_folder), for the peer benchmark to apply to the servers it runs. Exit 0
// when DIR holds messages 1..TOTAL as the rule demands; else 1, with what is wrong.
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

#include "support/mailbox_folder.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: mailbox_check DIR TOTAL BACKUP_EVERY\n";
    return 2;
  }
  try {
    const std::uint64_t total = std::stoull(argv[2]);
    const std::uint64_t backup_every = std::stoull(argv[3]);
    if (backup_every == 0) throw std::invalid_argument("BACKUP_EVERY must be at least 1");
    const std::string wrong = postable::testing::check_mailbox_folder(
        postable::testing::read_mailbox_folder(argv[1]), total, backup_every);
    if (wrong.empty()) return 0;
    std::cout << wrong << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "mailbox_check: " << error.what() << "\n";
    return 2;
  }
}
