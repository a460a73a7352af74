#include "property/crash_world.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <stdexcept>
#include <tuple>

#include "core/record.hpp"
#include "core/recovery.hpp"
#include "property/scheduler.hpp"
#include "server/file_store.hpp"
#include "server/mailbox.hpp"
#include "server/spool.hpp"
#include "support/crash_folder.hpp"
#include "support/mailbox_folder.hpp"

namespace postable::testing {
namespace {

// Bodies with an empty line and with a line that could be taken for a record's first line.
Envelope letter(std::size_t writer, int message) {
  const std::string name = "w" + std::to_string(writer) + "m" + std::to_string(message);
  const std::string bodies[] = {name + "\n", name + "\n\nsecond paragraph\n",
                                "Received: from x by postable (CS4410MP3)\n" + name + "\n"};
  return Envelope{
      "h" + std::to_string(writer), "s@x", {"r@y", name + "@y"}, bodies[std::size_t(message) % 3]};
}

// A letter as a long body comes: its first line through the writer's spool, the rest after.
std::optional<std::uint64_t> deliver_spooled(Mailbox<FileStore, ControlledSync>& mailbox,
                                             Spool& spool, const Envelope& envelope) {
  const std::size_t front = envelope.body.find('\n') + 1;
  spool.write(std::string_view(envelope.body).substr(0, front), 0);
  Envelope rest = envelope;
  rest.body.erase(0, front);
  rest.body_offset = front;
  const std::optional<StoredBody> body = spool.stored_body(rest);
  if (!body) throw std::runtime_error("the spool failed: " + spool.last_error());
  return mailbox.deliver(rest, *body);
}

// The writers' spools lie outside the crash model, in a real folder: a crash loses them
// whole, and nothing in the mailbox's folder names them.
struct SpoolFolder {
  SpoolFolder() : fd(::open(folder.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd < 0) throw std::runtime_error("cannot open a folder for the spools");
  }
  ~SpoolFolder() { ::close(fd); }
  TemporaryFolder folder;
  int fd;
};

struct Deliveries {
  std::map<std::uint64_t, Envelope> acknowledged;  // by number
  std::vector<Envelope> attempted;                 // every delivery begun
};

// A record no 250 was sent for may survive a crash: it must be one that was sent, whole, or
// (the last of the live file) the reading a crash cut made right after an empty body line,
// which the format cannot tell from a whole record (see the README).
bool sent_or_cut_short(const ParsedRecord& record, const Deliveries& deliveries, bool last) {
  for (const Envelope& sent : deliveries.attempted) {
    if (sent.sender != record.envelope.sender || sent.recipients != record.envelope.recipients) {
      continue;
    }
    if (sent.body == record.envelope.body) return true;
    if (last && sent.body.starts_with(record.envelope.body) &&
        sent.body[record.envelope.body.size()] == '\n') {
      return true;
    }
  }
  return false;
}

// The files recovery left, record by record: what is wrong with them, or nothing.
std::string judge_files(CrashFolder& folder, const RecoveryPlan& plan,
                        const Deliveries& deliveries) {
  std::map<std::uint64_t, std::pair<std::string, ParsedRecord>> found;  // by number
  std::uint64_t live_first = 0;
  for (const std::string& name : folder.names()) {
    const NameReading reading = read_mailbox_name(name);
    if (reading.kind == MailboxName::next || reading.kind == MailboxName::partial) {
      return "recovery left " + name;
    }
    const ParsedRecords parsed = parse_records(folder.read(name)->bytes);
    if (!parsed.problem.empty()) return "a torn record remains in " + name + ": " + parsed.problem;
    for (std::size_t i = 0; i < parsed.records.size(); ++i) {
      const ParsedRecord& record = parsed.records[i];
      const bool backup = reading.kind == MailboxName::backup;
      if (backup && record.number != reading.range.first + i) {
        return name + " does not hold exactly its range";
      }
      if (backup && i + 1 == parsed.records.size() && record.number != reading.range.last) {
        return name + " does not hold exactly its range";
      }
      if (!found.emplace(record.number, std::pair(name, record)).second) {
        return "message " + std::to_string(record.number) + " is stored twice";
      }
      const bool last = reading.kind == MailboxName::live && i + 1 == parsed.records.size();
      if (!deliveries.acknowledged.contains(record.number) &&
          !sent_or_cut_short(record, deliveries, last)) {
        return name + " holds a message " + std::to_string(record.number) + " never sent";
      }
    }
    if (reading.kind == MailboxName::live && !parsed.records.empty()) {
      live_first = parsed.records.front().number;
    }
  }
  for (const auto& [number, envelope] : deliveries.acknowledged) {
    const auto stored = found.find(number);
    if (stored == found.end()) return "acknowledged message " + std::to_string(number) + " is lost";
    if (stored->second.second.envelope != envelope) {
      return "acknowledged message " + std::to_string(number) + " differs in " +
             stored->second.first;
    }
  }
  std::uint64_t expected = 1;
  for (const auto& [number, where] : found) {
    if (number != expected++) return "message " + std::to_string(number - 1) + " is missing";
  }
  if (live_first != 0 && live_first != plan.backed_up + 1)
    return "mailbox starts at a wrong number";
  if (plan.stored != found.size()) {
    return "the next number would be " + std::to_string(plan.stored + 1) + ", not " +
           std::to_string(found.size() + 1);
  }
  return "";
}

// Recovery from `state`, judged; `during` (if given) gets every state a crash in the middle
// of that recovery may leave.
std::string recover_and_judge(const CrashState& state, const Deliveries& deliveries,
                              std::set<CrashState>* during) {
  CrashFolder folder(state);
  if (during != nullptr) {
    folder.after_step = [&](const std::string&) {
      const std::set<CrashState> states = folder.crash_states();
      during->insert(states.begin(), states.end());
    };
  }
  FileStore store(folder, Durability::sync);
  try {
    const RecoveryPlan plan = store.resume();
    return judge_files(folder, plan, deliveries);
  } catch (const std::runtime_error& refused) {
    return std::string("recovery refused the state: ") + refused.what();
  }
}

// The states judged so far in a world, each with the deliveries as they stood (both lists
// only grow, so their sizes name them): a state recurs at many crash points, and is judged once.
struct Judged {
  using Key = std::tuple<CrashState, std::size_t, std::size_t>;
  static Key key(const CrashState& state, const Deliveries& deliveries) {
    return {state, deliveries.acknowledged.size(), deliveries.attempted.size()};
  }
  std::set<Key> resumed;    // with every crash in the middle of its recovery
  std::set<Key> recovered;  // by one recovery
};

// Recovery writes too (it removes, cuts, creates and syncs): a crash in its middle must leave
// a state the next recovery makes sense of, as well as the one it started from.
std::string judge_resume(const CrashState& state, const Deliveries& deliveries, Judged& judged) {
  std::set<CrashState> during;
  std::string wrong = recover_and_judge(state, deliveries, &during);
  for (const CrashState& midway : during) {
    if (!wrong.empty()) return wrong;
    const Judged::Key key = Judged::key(midway, deliveries);
    if (midway == state || judged.resumed.contains(key) || judged.recovered.contains(key)) {
      continue;
    }
    wrong = recover_and_judge(midway, deliveries, nullptr);
    if (!wrong.empty()) {
      return "after a crash in the middle of recovery, leaving " + midway.describe() + ": " + wrong;
    }
    judged.recovered.insert(key);
  }
  if (wrong.empty()) judged.resumed.insert(Judged::key(state, deliveries));
  return wrong;
}

// The assignment's start on the same state: `mailbox` begins empty, no backup is touched.
std::string judge_plain_start(const CrashState& state) {
  CrashFolder folder(state);
  FileStore store(folder, Durability::sync);
  store.start_fresh();
  for (const auto& [name, inode] : state.names) {
    if (read_mailbox_name(name).kind != MailboxName::backup) continue;
    const auto after = folder.read(name);
    if (!after || after->bytes != state.files.at(inode)) return "a plain start changed " + name;
  }
  return "";
}

}  // namespace

CrashVerdict check_every_crash(const CrashWorld& world) {
  CrashVerdict verdict;
  Deliveries deliveries;
  CrashFolder folder;
  folder.failing_syncs = world.failing_syncs;
  folder.failing_folder_syncs = world.failing_folder_syncs;
  std::string steps;
  Judged judged;
  folder.after_step = [&](const std::string& step) {
    steps += "  " + step + "\n";
    const std::size_t point = verdict.crash_points++;
    if (!verdict.wrong.empty() || (world.only && world.only->first != point)) return;
    const std::set<CrashState> states = folder.crash_states();
    std::size_t index = 0;
    for (const CrashState& state : states) {
      if (world.only && index++ != world.only->second % states.size()) continue;
      ++verdict.crash_states;
      if (judged.resumed.contains(Judged::key(state, deliveries))) continue;  // seen before
      std::string wrong = judge_resume(state, deliveries, judged);
      if (wrong.empty()) wrong = judge_plain_start(state);
      if (!wrong.empty()) {
        verdict.wrong = wrong + "\ncrash after step " + std::to_string(point) + ", leaving " +
                        state.describe() + "\nsteps:\n" + steps;
        return;
      }
    }
  };
  FileStore files(folder, Durability::sync);
  files.start_fresh();
  const SpoolFolder spools;
  Mailbox<FileStore, ControlledSync> mailbox(files, world.backup_every, "postable",
                                             [](const std::string&) {});
  const auto failure = run_controlled(world.choices, world.spurious, [&] {
    ControlledThread backup("backup", [&] { mailbox.run_backups(); });
    std::vector<ControlledThread> writers;
    for (std::size_t w = 0; w < world.messages_per_writer.size(); ++w) {
      writers.emplace_back("writer " + std::to_string(w), [&, w] {
        Spool spool(spools.fd);
        for (int m = 0; m < world.messages_per_writer[w]; ++m) {
          const Envelope envelope = letter(w, m);
          deliveries.attempted.push_back(envelope);
          // Every other letter, by turns among the writers, is stored as a long body is:
          // copied in from a spool (so a spooled record is often durable alone before the
          // next one's sync; every letter so would add half again to the crash states).
          const auto number = (w + m) % 2 == 1 ? deliver_spooled(mailbox, spool, envelope)
                                               : mailbox.deliver(envelope);
          if (number) deliveries.acknowledged.emplace(*number, envelope);
        }
      });
    }
    for (ControlledThread& writer : writers) writer.join();
    mailbox.stop();
    backup.join();
  });
  if (failure && verdict.wrong.empty()) verdict.wrong = *failure;
  verdict.acknowledged = deliveries.acknowledged.size();
  return verdict;
}

}  // namespace postable::testing
