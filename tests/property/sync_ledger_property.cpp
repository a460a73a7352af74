// The group commit's ledger under any sequence of appends, syncs begun, syncs that succeed
// and syncs that fail, against a reference that follows each record: pending from its
// append, durable once a sync that began after it succeeds, lost when a sync fails first.
// Every record's fate, the frontier, the file's length and what a failure cuts must agree.
#define BOOST_TEST_MODULE sync_ledger_property
#define BOOST_TEST_DYN_LINK
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <vector>

#include "core/sync_ledger.hpp"
#include "property/assertions_throw.hpp"

namespace {

using namespace postable;

enum class Op { append, begin, succeed, fail };

struct Record {
  SyncTicket ticket;
  std::uint64_t end_bytes;
  Fate fate = Fate::pending;
  bool covered = false;  // by the sync that runs now
};

// The reference: every record ever appended, with its fate.
struct Reference {
  std::vector<Record> records;
  std::vector<std::size_t> in_file;  // records still in the file, by index, in order
  std::uint64_t durable_bytes = 0;
  bool syncing = false;

  std::uint64_t file_bytes() const {
    return in_file.empty() ? 0 : records[in_file.back()].end_bytes;
  }
  bool any_pending() const {
    for (const std::size_t i : in_file)
      if (records[i].fate == Fate::pending) return true;
    return false;
  }
};

void step(SyncLedger& ledger, Reference& ref, Op op, std::uint64_t size) {
  if (op == Op::append) {
    const std::uint64_t number = ref.in_file.size() + 1;
    const std::uint64_t end = ref.file_bytes() + size;
    ref.records.push_back({ledger.appended(number, end), end});
    ref.in_file.push_back(ref.records.size() - 1);
  } else if (op == Op::begin && ledger.sync_wanted()) {
    RC_ASSERT(!ref.syncing && ref.any_pending());
    ledger.begin_sync();
    ref.syncing = true;
    for (const std::size_t i : ref.in_file) ref.records[i].covered = true;
  } else if (op == Op::succeed && ref.syncing) {
    ledger.sync_succeeded();
    ref.syncing = false;
    for (const std::size_t i : ref.in_file) {
      if (!ref.records[i].covered) continue;
      ref.records[i].fate = Fate::durable;
      ref.durable_bytes = ref.records[i].end_bytes;
    }
  } else if (op == Op::fail && ref.syncing) {
    const SyncLoss loss = ledger.sync_failed();
    ref.syncing = false;
    std::vector<std::uint64_t> lost;
    std::vector<std::size_t> kept;
    for (const std::size_t i : ref.in_file) {
      if (ref.records[i].fate == Fate::durable) {
        kept.push_back(i);
      } else {
        ref.records[i].fate = Fate::lost;
        lost.push_back(ref.records[i].ticket.number);
      }
    }
    ref.in_file = kept;
    RC_ASSERT(!lost.empty());  // a sync runs only for a record not yet durable
    RC_ASSERT(loss.first == lost.front());
    RC_ASSERT(loss.last == lost.back());
    RC_ASSERT(loss.cut_to_bytes == ref.durable_bytes);
  }
  for (auto& record : ref.records) record.covered = record.covered && ref.syncing;
}

void agree(const SyncLedger& ledger, const Reference& ref) {
  for (const Record& record : ref.records) RC_ASSERT(ledger.fate(record.ticket) == record.fate);
  RC_ASSERT(ledger.appended_through() == ref.in_file.size());
  RC_ASSERT(ledger.syncing() == ref.syncing);
  RC_ASSERT(ledger.sync_wanted() == (!ref.syncing && ref.any_pending()));
}

}  // namespace

RC_BOOST_PROP(every_record_is_answered_as_its_syncs_decide, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(
      rc::gen::element(Op::append, Op::append, Op::begin, Op::succeed, Op::fail));
  SyncLedger ledger;
  Reference ref;
  for (const Op op : ops) {
    step(ledger, ref, op, *rc::gen::inRange<std::uint64_t>(1, 100));
    agree(ledger, ref);
  }
}

using postable::testing::AssertionsThrow;
BOOST_TEST_GLOBAL_FIXTURE(AssertionsThrow);
