# Every planted bug in the C++, in one place: each is a variant of a test that must fail, and
# fail for the reason named (a report matching the pattern). The SPIN models' planted bugs are
# proofs/mutants/. Helpers: cmake/mutants.cmake.

# ---- The mailbox machine, stepped by RapidCheck (core/mailbox_machine.hpp mutated) --------
set(mailbox_machine_hpp ${PROJECT_SOURCE_DIR}/impl/core/mailbox_machine.hpp)
set(pool_ledger_hpp ${PROJECT_SOURCE_DIR}/impl/core/pool_ledger.hpp)
# postable_machine_mutant(NAME FROM TO EXPECT): the machine property over the machine with FROM
# replaced by TO.
function(postable_machine_mutant name from to expect)
  postable_mutant(${name} ${mailbox_machine_hpp} "${from}" "${to}")
  postable_mutant_test(${name} "${expect}" SOURCES property/mailbox_machine_property.cpp
                       LIBS rapidcheck)
endfunction()
# A delivery let through while a backup is due (not yet moving).
postable_machine_mutant(machine_writes_while_due
  [=[return ledger_.may_write() ? WriteStep::append : WriteStep::wait;]=]
  [=[return !ledger_.backup_running() ? WriteStep::append : WriteStep::wait;]=]
  "a write landed while a backup was due|may_write")
# A 250 as soon as the record is appended.
postable_machine_mutant(machine_replies_before_sync
  [=[const Fate fate = sync_.fate(ticket);]=]
  [=[const Fate fate = sync_.fate(ticket) == Fate::lost ? Fate::lost : Fate::durable;]=]
  "acknowledged before a sync covered it")
# A failed sync taken for a good one: the records it may have lost kept and acknowledged.
postable_machine_mutant(machine_failed_sync_keeps_its_records
  [=[    if (ok) {
      sync_.sync_succeeded();]=] [=[    if (ok || !ok) {
      sync_.sync_succeeded();]=]
  "acknowledged before a sync covered it|a failed sync lost nothing")
# A failed sync whose numbers are not given out again: the next message skips them.
postable_machine_mutant(machine_failed_sync_skips_numbers
  [=[      ledger_.cut_back(end.loss->first - 1);
]=] "" "was next|appended_through_ \\+ 1|deadlock")
# A move that starts before its group is durable.
postable_machine_mutant(machine_moves_before_durable
  [=[return due && sync_.synced_through() >= due->last;]=] [=[return due.has_value();]=]
  "a move began before a sync covered|file_replaced|synced_through_ == appended_through_")
# A move that wakes no writer: the deliveries held by it sleep for ever.
postable_machine_mutant(machine_move_wakes_nobody
  [=[    end.wakes.writers = true;
    if (moved) {]=] [=[    if (moved) {]=] "deadlock")
# A backup file named for a range one short of what it holds.
postable_machine_mutant(machine_names_wrong_range
  [=[BackupRange begin_move() { return ledger_.begin_backup(); }]=]
  [=[BackupRange begin_move() {
    BackupRange range = ledger_.begin_backup();
    ++range.first;
    return range;
  }]=] "an unexpected file mailbox\\.|holds \\[")
# The folder's sync after a move without a sync's turn: a data sync may run beside it.
postable_machine_mutant(machine_syncs_names_beside_a_sync
  [=[      sync_.begin_sync();  // covers no record: none was appended since the move
      end.sync_names = true;]=] [=[      end.sync_names = true;]=]
  "beside another sync|syncing_")

# ---- The real monitors under the controlled scheduler (a mutated header) -----------------
set(mailbox_hpp ${PROJECT_SOURCE_DIR}/impl/server/mailbox.hpp)
set(pool_hpp ${PROJECT_SOURCE_DIR}/impl/server/pool.hpp)
# postable_monitor_mutant(NAME FILE FROM TO EXPECT PROPERTY): the monitor property in
# PROPERTY.cpp, built over FILE with FROM replaced by TO.
function(postable_monitor_mutant name file from to expect property)
  postable_mutant(${name} ${file} "${from}" "${to}")
  postable_mutant_test(${name} "${expect}"
    SOURCES ${controlled} property/${property}.cpp LIBS rapidcheck postable_server)
endfunction()
postable_monitor_mutant(mailbox_skips_backup_wait ${mailbox_hpp}
  [=[    while (machine_.write_step() == WriteStep::wait) writable_.wait(lock);
]=] "" "a write landed while a backup was" mailbox_monitor_property)
# A number taken outside the lock is given twice; which promise shows it first depends on the
# schedule drawn: the files hold a number twice, an ack names another message, or a sync counted
# for one copy is taken for the other's.
postable_monitor_mutant(mailbox_numbers_outside_lock ${mailbox_hpp}
  [=[    std::unique_lock lock(mutex_);
    while (machine_.write_step() == WriteStep::wait) writable_.wait(lock);
    const std::uint64_t number = machine_.next_number();
]=] [=[    const std::uint64_t number = machine_.next_number();
    std::unique_lock lock(mutex_);
    while (machine_.write_step() == WriteStep::wait) writable_.wait(lock);
]=] "holds \\[|appended_through_ \\+ 1|was acknowledged as|acknowledged before a sync covered it"
  mailbox_monitor_property)
postable_monitor_mutant(mailbox_names_wrong_range ${mailbox_hpp}
  [=[store_.move_to_backup(range)]=]
  [=[store_.move_to_backup(BackupRange{range.first + 1, range.last})]=]
  "mailbox\\.2-" mailbox_monitor_property)
postable_monitor_mutant(mailbox_wakes_one_writer ${mailbox_hpp}
  [=[if (wakes.writers) writable_.notify_all();]=] [=[if (wakes.writers) writable_.notify_one();]=]
  "deadlock: .*waits for a notify" mailbox_monitor_property)
# Group commit: a 250 before the sync, a waiter that takes any sync for its own, a backup of
# a group no sync has covered, a failed sync's records left in the file.
postable_monitor_mutant(mailbox_replies_before_sync ${mailbox_machine_hpp}
  [=[const Fate fate = sync_.fate(ticket);]=]
  [=[const Fate fate = sync_.fate(ticket) == Fate::lost ? Fate::lost : Fate::durable;]=]
  "acknowledged before a sync covered it|was acknowledged as" mailbox_monitor_property)
postable_monitor_mutant(mailbox_wakes_on_any_sync ${mailbox_hpp}
  [=[          synced_.wait(lock);
          break;]=] [=[          synced_.wait(lock);
          return number;]=]
  "acknowledged before a sync covered it|was acknowledged as" mailbox_monitor_property)
# The folder's sync after a move run without taking a sync's turn: beside a data sync.
postable_monitor_mutant(mailbox_syncs_names_beside_a_sync ${mailbox_machine_hpp}
  [=[      sync_.begin_sync();  // covers no record: none was appended since the move
      end.sync_names = true;]=] [=[      end.sync_names = true;]=]
  "beside a data sync|beside another sync|syncing_" mailbox_monitor_property)
postable_monitor_mutant(mailbox_backs_up_unsynced ${mailbox_machine_hpp}
  [=[return due && sync_.synced_through() >= due->last;]=] [=[return due.has_value();]=]
  "before a sync covered it|while a sync ran" mailbox_monitor_property)
postable_monitor_mutant(mailbox_keeps_what_a_sync_lost ${mailbox_hpp}
  [=[if (!store_.cut(end.loss->cut_to_bytes))]=] [=[if (false)]=]
  "holds \\[|was acknowledged as|a write landed while a backup was due" mailbox_monitor_property)
postable_monitor_mutant(pool_accepts_eagerly ${pool_hpp}
  [=[    while (ledger_.acceptor_step() == AcceptorStep::wait) worker_idle_.wait(lock);
    if (ledger_.acceptor_step() != AcceptorStep::accept) return false;
    ledger_.begin_accept();]=] [=[    if (ledger_.stopped()) return false;]=]
  "accepted while no worker was idle|accepting_" pool_monitor_property)
# The stop seen by the acceptor only when a worker is idle: with every worker busy, a stop
# waits for a session to end by itself (the bug the real server had).
postable_monitor_mutant(pool_stop_unseen_by_busy_acceptor ${pool_ledger_hpp}
  [=[    if (stopped_) return AcceptorStep::stop;
    return may_accept() ? AcceptorStep::accept : AcceptorStep::wait;]=]
  [=[    if (may_accept()) return stopped_ ? AcceptorStep::stop : AcceptorStep::accept;
    return AcceptorStep::wait;]=]
  "the acceptor sleeps after the stop|deadlock" pool_monitor_property)
postable_monitor_mutant(pool_forgets_acceptor_after_take ${pool_hpp}
  [=[    Connection connection = ledger_.take();
    // The hand-off slot is free again: if another worker is idle, the acceptor may go on.
    worker_idle_.notify_one();
]=] [=[    Connection connection = ledger_.take();
]=] "acceptor sleeps while a worker is idle" pool_monitor_property)

# ---- The simulator, over the code that ships ----------------------------------------------
# postable_sim_mutant(NAME FILE FROM TO EXPECT ARGS [REBUILD sim sources...]): smtpsim built over
# FILE (a header of the machines, rebuilt into the simulator's sources REBUILD that call it; or
# a source of the core) with FROM replaced by TO. A sweep with ARGS must report a violation
# matching EXPECT, and its replay must show the offending client's conversation (TRANSCRIPT).
function(postable_sim_mutant name file from to expect args)
  cmake_parse_arguments(ARG "TRANSCRIPT" "" "REBUILD" ${ARGN})
  if(file MATCHES "\\.cpp$")
    postable_mutated_sources(${name} postable_core ${file} "${from}" "${to}")
    set(sources ${${name}_sources})
  else()
    postable_mutant(${name} ${file} "${from}" "${to}")
    set(sources ${ARG_REBUILD})
    list(TRANSFORM sources PREPEND ${PROJECT_SOURCE_DIR}/sim/)
  endif()
  # Linked before postable_sim and postable_core, they stand in for their members.
  add_executable(smtpsim_${name} ${sources} $<TARGET_OBJECTS:smtpsim_main>)
  target_include_directories(smtpsim_${name} BEFORE PRIVATE ${PROJECT_BINARY_DIR}/mutants/${name}
                             ${PROJECT_SOURCE_DIR}/impl)
  target_link_libraries(smtpsim_${name} PRIVATE postable_sim CLI11::CLI11
                        nlohmann_json::nlohmann_json Threads::Threads postable_warnings)
  set(transcript OFF)
  if(ARG_TRANSCRIPT)
    set(transcript ON)
  endif()
  add_test(NAME mutant_${name}
    COMMAND ${CMAKE_COMMAND} -DSMTPSIM=$<TARGET_FILE:smtpsim_${name}> "-DARGS=${args}"
            "-DEXPECT=${expect}" -DTRANSCRIPT=${transcript}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/scripts/expect_sim_violation.cmake)
  set_tests_properties(mutant_${name} PROPERTIES LABELS property)
endfunction()
set(sim_small "--seeds;1..60;--clients;300;--workers;2;--backup-every;3;--timeout;1")
set(over_mailbox REBUILD mailbox.cpp mailbox_crash.cpp)
set(over_pool REBUILD acceptor.cpp world.cpp world_stop.cpp run.cpp)
set(connection_step_hpp ${PROJECT_SOURCE_DIR}/impl/core/connection_step.hpp)
set(session_cpp ${PROJECT_SOURCE_DIR}/impl/core/session.cpp)
# The stop seen by the acceptor only when a worker is idle (the bug the real server had): its
# worlds with a stop and a saturated pool must report a session not told at the stop.
postable_sim_mutant(sim_stop_unseen_by_busy_acceptor ${pool_ledger_hpp}
  [=[    if (stopped_) return AcceptorStep::stop;
    return may_accept() ? AcceptorStep::accept : AcceptorStep::wait;]=]
  [=[    if (may_accept()) return stopped_ ? AcceptorStep::stop : AcceptorStep::accept;
    return AcceptorStep::wait;]=]
  "a session between messages was not told at the stop" "--seeds;1..100;--clients;300;--stop;1"
  ${over_pool})
# An acceptor that accepts whenever a client waits, idle worker or not.
postable_sim_mutant(sim_greedy_acceptor ${pool_ledger_hpp}
  [=[    return may_accept() ? AcceptorStep::accept : AcceptorStep::wait;]=]
  [=[    return AcceptorStep::accept;]=]
  "accepted while no worker was idle" "${sim_small}" ${over_pool})
# A delivery let through while the backup moves the file (it waits only while one is due).
postable_sim_mutant(sim_writes_while_moving ${mailbox_machine_hpp}
  [=[return ledger_.may_write() ? WriteStep::append : WriteStep::wait;]=]
  [=[return !ledger_.backup_due() ? WriteStep::append : WriteStep::wait;]=]
  "while a backup was moving" "${sim_small}" ${over_mailbox} TRANSCRIPT)
# A number skipped: message 4 is stored as 5.
postable_sim_mutant(sim_skips_a_number ${mailbox_machine_hpp}
  [=[std::uint64_t next_number() const { return ledger_.next_number(); }]=]
  [=[std::uint64_t next_number() const {
    return ledger_.next_number() + (ledger_.next_number() >= 4 ? 1 : 0);
  }]=] "does not hold exactly messages|does not hold messages" "${sim_small}" ${over_mailbox})
# A 250 as soon as the record is appended: a crash before the sync loses it.
postable_sim_mutant(sim_replies_before_sync ${mailbox_machine_hpp}
  [=[const Fate fate = sync_.fate(ticket);]=]
  [=[const Fate fate = sync_.fate(ticket) == Fate::lost ? Fate::lost : Fate::durable;]=]
  "was lost in a crash" "${sim_small};--crashes;3;--sync-failures;0" ${over_mailbox})
# A failed sync taken for a good one: the messages it may have lost are acknowledged.
postable_sim_mutant(sim_failed_sync_keeps_its_records ${mailbox_machine_hpp}
  [=[    if (ok) {
      sync_.sync_succeeded();]=] [=[    if (ok || !ok) {
      sync_.sync_succeeded();]=]
  "was lost in a crash|not stored as sent|began before a sync covered it"
  "${sim_small};--crashes;3;--sync-failures;0.3"
  ${over_mailbox})
# A group moved before a sync covered it: a crash then finds a backup with lost records.
postable_sim_mutant(sim_moves_before_durable ${mailbox_machine_hpp}
  [=[return due && sync_.synced_through() >= due->last;]=] [=[return due.has_value();]=]
  "began before a sync covered it" "${sim_small};--sync-failures;0" ${over_mailbox})
# The server's clock a millisecond short: its timeouts fire early.
postable_sim_mutant(sim_early_timeout ${session_cpp}
  [=[  return clock_started_ + config_.timeout;]=]
  [=[  return clock_started_ + (config_.timeout - std::chrono::milliseconds(1));]=]
  "a timeout fired at" "${sim_small}" TRANSCRIPT)
# The end of a stream inside DATA (a reset) taken for the message's end: a part is stored.
postable_sim_mutant(sim_stores_on_reset ${connection_step_hpp}
  [=[      return session.on_eof(now);  // nothing more comes: a message cut short is not stored]=]
  [=[      if (session.mode() == Mode::data) return session.feed("\r\n.\r\n", now);
      return session.on_eof(now);]=]
  "was stored in part|not stored as sent|a reply nobody asked for|expected `"
  "${sim_small};--resets;0.3" REBUILD worker.cpp)
# A command line cut across packets taken for two lines (the line so far, at a packet's end).
postable_sim_mutant(sim_splits_lines_at_packets ${PROJECT_SOURCE_DIR}/impl/core/framer.cpp
  [=[  if (!found) return {};
  Piece piece;]=] [=[  Piece piece;]=] "expected `" "${sim_small}" TRANSCRIPT)
# A long body never spilled: the connection holds all of it, past the spool's limit.
postable_sim_mutant(sim_spill_not_taken ${connection_step_hpp}
  [=[  if (session.body_to_spill(held_max)) return ConnectionStep::spill;
]=] [=[  (void)held_max;
]=] "past the spool's limit" "${sim_small};--spill-at;16" REBUILD worker.cpp)
# A world that is not a function of its parameters: each World draws from the seed plus how
# many Worlds the process made before it. Every oracle still holds; only the property's
# replay check (the same digest twice) can tell, and must.
postable_mutated_sources(sim_not_replayable postable_sim ${PROJECT_SOURCE_DIR}/sim/world.cpp
  [=[rng_(params.seed),]=]
  [=[rng_(params.seed + [] { static std::uint64_t worlds = 0; return worlds++; }()),]=])
add_executable(mutant_sim_not_replayable property/sim_property.cpp ${sim_not_replayable_sources})
target_link_libraries(mutant_sim_not_replayable PRIVATE postable_sim postable_peer rapidcheck
                      Boost::unit_test_framework postable_warnings)
postable_expect_failure(sim_not_replayable "first\\.summary\\(\\)\\.digest" "")

# ---- The core, under the session properties and the table walk ---------------------------
# postable_core_mutant(NAME SOURCE FROM TO RUN SOURCES...): the RapidCheck test built from
# SOURCES (only its test RUN, if given) over a core with SOURCE (in impl/core) mutated, FROM
# replaced by TO; it must fail with a counterexample.
function(postable_core_mutant name source from to run)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  postable_mutated_sources(${name} postable_core ${PROJECT_SOURCE_DIR}/impl/core/${source}
                           "${from}" "${to}")
  add_executable(mutant_${name} ${ARG_SOURCES} ${${name}_sources})
  target_link_libraries(mutant_${name} PRIVATE postable_core postable_model rapidcheck
                        Boost::unit_test_framework postable_warnings)
  target_include_directories(mutant_${name} PRIVATE ${PROJECT_SOURCE_DIR}/impl
                                                     ${CMAKE_CURRENT_SOURCE_DIR})
  postable_expect_failure(${name} "Falsifiable" "${run}")
endfunction()
# postable_core_mutant_test(NAME SOURCE FROM TO RUN): the session property RUN so.
function(postable_core_mutant_test name source from to run)
  postable_core_mutant(${name} ${source} "${from}" "${to}" "${run}"
                       SOURCES $<TARGET_OBJECTS:postable_session_properties>)
endfunction()
# A CR at the end of a fragment taken for data at once: a CRLF cut in two is not a CRLF.
postable_core_mutant_test(framer_forgets_cr_across_fragments framer.cpp
  [=[    if (chunk.back() == '\r') {  // is it the CR of a CRLF? The next fragment tells.
      pending_cr_ = true;
      chunk.remove_suffix(1);
    }
]=] "" "fragmentation/any_fragmentation_gives_the_same_replies_and_mailbox")
# A body spilled to the spool that the framer keeps as well: its front is stored twice.
postable_core_mutant_test(framer_keeps_what_it_spilled framer.cpp
  [=[  handed_out_ += body_.size();
  body_.clear();]=] [=[  handed_out_ += body_.size();]=]
  "fragmentation/a_body_spilled_in_pieces_is_stored_as_a_body_held_whole")
# One recipient more than the limit let through.
postable_core_mutant_test(session_recipient_limit_off_by_one session.cpp
  [=[transaction_->recipients.size() >= config_.recipients_max]=]
  [=[transaction_->recipients.size() > config_.recipients_max]=]
  "protocol/session_answers_as_the_reference_reading_of_the_spec")
# The chatter limits: the 421 one error late, a delivery that does not clear the errors, and
# the junk limit one NOOP early.
postable_core_mutant_test(session_error_limit_one_late session.cpp
  [=[errors_ >= config_.error_limit]=] [=[errors_ > config_.error_limit]=]
  "protocol/session_answers_as_the_reference_reading_of_the_spec")
postable_core_mutant_test(session_delivery_keeps_errors session.cpp
  [=[    errors_ = junk_ = 0;
    return;]=] [=[    junk_ = 0;
    return;]=]
  "protocol/session_answers_as_the_reference_reading_of_the_spec")
postable_core_mutant_test(session_junk_limit_one_early session.cpp
  [=[++junk_ > config_.junk_limit]=] [=[++junk_ >= config_.junk_limit]=]
  "protocol/session_answers_as_the_reference_reading_of_the_spec")

# postable_record_mutant(NAME SOURCE FROM TO): the record property so.
function(postable_record_mutant name source from to)
  postable_core_mutant(${name} ${source} "${from}" "${to}" ""
                       SOURCES $<TARGET_OBJECTS:postable_record_objects>)
endfunction()
# A store that does not quote: a body line that looks like a record's first line is taken for one.
postable_record_mutant(record_body_forges_a_record body_quoting.cpp
  [=[  if (body.find(marker) == std::string_view::npos) return body;  // the common case]=]
  [=[  return body;]=])
# A reader that does not unquote: a quoted line comes back with its `>`.
# The piecewise quoter drops a partly matched `Received: ` when the line turns out otherwise.
postable_record_mutant(record_piecewise_quoter_drops_a_near_miss body_quoting.cpp
  [=[      out.append(marker.substr(0, matched_));
      matched_ = 0;
      at_line_start_ = false;
      continue;]=] [=[      matched_ = 0;
      at_line_start_ = false;
      continue;]=])
postable_record_mutant(record_reader_keeps_the_quote record.cpp
  [=[    append_unquoted(record.envelope.body, text.substr(*body, *end - *body));]=]
  [=[    record.envelope.body.append(text.substr(*body, *end - *body));]=])

# postable_sync_mutant(NAME FROM TO): the sync ledger property over a mutated SyncLedger.
function(postable_sync_mutant name from to)
  postable_core_mutant(${name} sync_ledger.cpp "${from}" "${to}" ""
                       SOURCES $<TARGET_OBJECTS:postable_sync_objects>)
endfunction()
# A failed sync that keeps the records appended while it ran (their pages were never synced).
postable_sync_mutant(sync_failure_keeps_late_records
  [=[  appended_through_ = synced_through_;]=] [=[  appended_through_ = syncing_through_;]=])
# A sync that claims to cover what is appended after it began.
postable_sync_mutant(sync_covers_late_records
  [=[  synced_through_ = syncing_through_;]=] [=[  synced_through_ = appended_through_;]=])

if(POSTABLE_PROOFS)
  # postable_table_mutant(NAME SOURCE FROM TO EXPECT RUN): the table walk (only its test RUN,
  # if given) over a core with SOURCE mutated; it must fail with a report matching EXPECT.
  function(postable_table_mutant name source from to expect run)
    postable_mutated_sources(${name} postable_core ${PROJECT_SOURCE_DIR}/impl/core/${source}
                             "${from}" "${to}")
    add_executable(mutant_${name} $<TARGET_OBJECTS:postable_table_walk_objects>
                   ${${name}_sources})
    target_include_directories(mutant_${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
                               ${PROJECT_SOURCE_DIR}/impl)
    target_link_libraries(mutant_${name} PRIVATE postable_test_support postable_core
                          postable_model Boost::unit_test_framework postable_warnings)
    postable_expect_failure(${name} "${expect}" "${run}" LABEL proof NO_COUNTEREXAMPLE)
  endfunction()
  # The recipient limit off by one: the first alphabet's walk reaches the fifth RCPT.
  postable_table_mutant(table_recipient_limit session.cpp
    [=[transaction_->recipients.size() >= config_.recipients_max]=]
    [=[transaction_->recipients.size() > config_.recipients_max]=]
    "expected `452 4.5.3 Error: too many recipients" "")
  # Control bytes taken for printable ones: only the second alphabet holds one.
  postable_table_mutant(table_control_bytes_printable command.cpp
    [=[return c >= 0x21 && c <= 0x7e;]=] [=[return c != ' ' && c <= 0x7e;]=]
    "expected `504 5.5.2"
    every_verb_and_bad_argument_up_to_five_steps_answers_as_the_reference)
endif()

# ---- Durability: the crash proof (property/crash_world.hpp) over a planted bug ------------
set(crash_sources property/crash_property.cpp property/crash_world.cpp property/scheduler.cpp)
set(crash_run every_crash_of_a_small_world_keeps_every_acknowledged_message)
# postable_crash_mutant(NAME FILE FROM TO EXPECT): the exhaustive crash check over FILE (a
# source of the core or of the server, or a header) with FROM replaced by TO.
function(postable_crash_mutant name file from to expect)
  if(file MATCHES "/impl/core/.*\\.cpp$")
    postable_mutated_sources(${name} postable_core ${file} "${from}" "${to}")
    add_executable(mutant_${name} $<TARGET_OBJECTS:postable_crash_objects> ${${name}_sources})
    target_link_libraries(mutant_${name} PRIVATE postable_server postable_core postable_model)
    target_include_directories(mutant_${name} PRIVATE ${PROJECT_SOURCE_DIR}/impl)
  elseif(file MATCHES "\\.cpp$")
    postable_mutated_sources(${name} postable_server ${file} "${from}" "${to}")
    add_executable(mutant_${name} $<TARGET_OBJECTS:postable_crash_objects> ${${name}_sources})
    target_link_libraries(mutant_${name} PRIVATE postable_server postable_core Threads::Threads)
  else()
    postable_mutant(${name} ${file} "${from}" "${to}")
    add_executable(mutant_${name} ${crash_sources})
    target_include_directories(mutant_${name} BEFORE PRIVATE ${PROJECT_BINARY_DIR}/mutants/${name})
    target_link_libraries(mutant_${name} PRIVATE postable_server)
  endif()
  target_link_libraries(mutant_${name} PRIVATE postable_test_support rapidcheck
                        Boost::unit_test_framework postable_warnings)
  postable_expect_failure(${name} "${expect}" ${crash_run} NO_COUNTEREXAMPLE)
endfunction()
set(file_store_cpp ${PROJECT_SOURCE_DIR}/impl/server/file_store.cpp)
set(recovery_cpp ${PROJECT_SOURCE_DIR}/impl/core/recovery.cpp)
# A 250 before the sync covers the record.
postable_crash_mutant(crash_reply_before_sync ${mailbox_machine_hpp}
  [=[const Fate fate = sync_.fate(ticket);]=]
  [=[const Fate fate = sync_.fate(ticket) == Fate::lost ? Fate::lost : Fate::durable;]=]
  "acknowledged message [0-9]+ is lost")
# The folder not synced after the backup's renames: the new live file's name may not survive.
postable_crash_mutant(crash_backup_folder_unsynced ${file_store_cpp}
  [=[  if (!synced() || !folder_unsynced_) return true;
  if (const int error = folder_.sync_folder(); error != 0) {]=]
  [=[  if (!synced() || !folder_unsynced_) return true;
  if (const int error = 0; error != 0) {]=] "acknowledged message [0-9]+ is lost")
# A start that empties `mailbox` by truncating its inode, which a backup may share.
postable_crash_mutant(crash_start_truncates ${file_store_cpp}
  [=[  if (!folder_.remove(live) || (file_ = folder_.create(live)) == Folder::no_file) {]=]
  [=[  if (((file_ = folder_.open_existing(live)) == Folder::no_file &&
       (file_ = folder_.create(live)) == Folder::no_file) ||
      !folder_.truncate(file_, 0)) {]=]
  "a plain start changed mailbox\\.|acknowledged message [0-9]+ is lost")
# A recovery that keeps a torn record.
postable_crash_mutant(crash_recovery_keeps_torn_record ${recovery_cpp}
  [=[    plan.cut_live = live.whole_bytes;]=] ""
  "a torn record remains")
# A recovery that reads zeros past the durable size as part of the record before them, and so
# cuts from that record's start instead of from its end: caught only by the zero tails.
postable_crash_mutant(crash_recovery_cuts_from_the_record_start ${recovery_cpp}
  [=[bytes.substr(0, zero_tail_start(bytes))]=]
  [=[bytes.substr(0, std::max(zero_tail_start(bytes), bytes.size()))]=]
  "acknowledged message [0-9]+ is lost|recovery refused the state: mailbox at byte 0")
postable_core_mutant(recovery_cuts_from_the_record_start recovery.cpp
  [=[bytes.substr(0, zero_tail_start(bytes))]=]
  [=[bytes.substr(0, std::max(zero_tail_start(bytes), bytes.size()))]=]
  "recovery_keeps_exactly_the_records_whose_250_could_have_been_sent"
  SOURCES $<TARGET_OBJECTS:postable_recovery_objects>)
# The run trace's format taking the end of a move for an event with one value: its range's
# last number is lost.
postable_core_mutant(run_trace_forgets_a_second_value run_trace.cpp
  [=[    case Kind::move_ended:
      return 2;]=] [=[      return 2;
    case Kind::move_ended:]=]
  "" SOURCES property/run_trace_property.cpp)
# "No record start found" taken for "a record starts at byte 0": a file that is not ours reads
# as one torn record, and is cut to nothing.
postable_core_mutant(recovery_no_start_is_byte_0 recovery.cpp
  [=[if (starts.empty()) return whole_bytes;]=] [=[if (starts.empty()) return parse_records("");]=]
  "a_file_that_is_not_ours_is_refused_at_byte_0"
  SOURCES $<TARGET_OBJECTS:postable_recovery_objects>)
# A recovery that drops a group found in two places (the backup and the live file).
postable_crash_mutant(crash_recovery_drops_group_in_two_places ${recovery_cpp}
  [=[    plan.fresh_live = true;]=]
  [=[    plan.fresh_live = true;
    if (caught_mid_backup) plan.remove.push_back(backups.back().file->name);]=]
  "acknowledged message [0-9]+ is lost|is missing")
# A spooled record's copy left out of the file's size: a failed sync then cuts the file in
# the wrong place, and the sync ledger's sizes no longer match the file.
postable_crash_mutant(crash_spooled_copy_uncounted ${file_store_cpp}
  [=[head.size() + body.front.bytes + body.rest.size()]=] [=[head.size() + body.rest.size()]=]
  "acknowledged message [0-9]+ is lost")

# ---- smtpd itself, over sockets -----------------------------------------------------------
# postable_smtpd_mutant(NAME FROM TO EXPECT RUN): smtpd built over server/connection.cpp with
# FROM replaced by TO; the integration test RUN against it must fail matching EXPECT.
function(postable_smtpd_mutant name from to expect run)
  postable_mutated_sources(${name} postable_server ${PROJECT_SOURCE_DIR}/impl/server/connection.cpp
                           "${from}" "${to}")
  add_executable(smtpd_${name} ${PROJECT_SOURCE_DIR}/impl/server/main.cpp ${${name}_sources})
  target_include_directories(smtpd_${name} BEFORE PRIVATE ${PROJECT_BINARY_DIR}/mutants/${name})
  target_link_libraries(smtpd_${name} PRIVATE postable_server CLI11::CLI11 postable_warnings)
  add_executable(mutant_${name} integration/server_test.cpp integration/server_mailbox_test.cpp
                 integration/server_crash_test.cpp integration/server_stop_test.cpp
                 integration/smtp_steps.cpp integration/server_process.cpp)
  target_link_libraries(mutant_${name} PRIVATE postable_test_support postable_peer
                        Boost::unit_test_framework postable_warnings)
  target_compile_definitions(mutant_${name} PRIVATE POSTABLE_SMTPD="$<TARGET_FILE:smtpd_${name}>")
  postable_expect_failure(${name} "${expect}" ${run} NO_COUNTEREXAMPLE LABEL integration)
  set_tests_properties(mutant_${name} PROPERTIES RUN_SERIAL TRUE)
endfunction()
# The coarse blocking wait (a recv() bounded by 3/4 of the timeout) begun with too little
# time left: after a NOOP midway through a step the 421 comes a quarter of the timeout late.
postable_smtpd_mutant(server_waits_too_long [=[left >= long_wait * 7 / 6]=] [=[left >= long_wait / 2]=]
  "s late after a" the_421_comes_on_time_whenever_the_last_aside_command_came)
# The end of that wait (3/4 of the timeout of silence) taken for a dead client's: the
# connection closes without its 421.
postable_smtpd_mutant(server_takes_silence_for_the_end
  [=[      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;  // the long wait ended]=]
  [=[      if (got < 0 && (errno == EAGAIN || errno == EINTR)) return {0, false};]=]
  "timeout exceeded" timeouts_fire_on_time_and_invalid_commands_do_not_extend_them)

# ---- The spool ---------------------------------------------------------------------------
# A spool that starts a message without forgetting the last: its bytes come before the body.
postable_mutated_sources(spool_keeps_the_last_message postable_server
  ${PROJECT_SOURCE_DIR}/impl/server/spool.cpp
  [=[  body_bytes_ = stored_bytes_ = 0;]=] [=[  body_bytes_ = 0;]=])
add_executable(mutant_spool_keeps_the_last_message $<TARGET_OBJECTS:postable_spool_objects>
               ${spool_keeps_the_last_message_sources})
target_link_libraries(mutant_spool_keeps_the_last_message PRIVATE postable_server
                      postable_test_support rapidcheck Boost::unit_test_framework postable_warnings)
postable_expect_failure(spool_keeps_the_last_message "Falsifiable" "")

# ---- Sweeps --------------------------------------------------------------------------------
# Sweeps agree at any --jobs and over shards, clean and with violations (those of an smtpsim
# with early timeouts planted).
set(faulty_smtpsim $<TARGET_FILE:smtpsim_sim_early_timeout>)
postable_script_test(sim_sweeps_agree property sim_sweep.cmake ARGS
  -DSMTPSIM=$<TARGET_FILE:smtpsim> -DFAULTY_SMTPSIM=${faulty_smtpsim}
  -DOUT=${CMAKE_CURRENT_BINARY_DIR}/sim_sweep)
# The recipes of sim/sweep end to end: a one-node Slurm cluster of the test's own, and GNU
# parallel, over the same faulty smtpsim, so that the reports name violations.
add_test(NAME sweep_recipes_test COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/sweep_recipes_test.sh
                                         ${faulty_smtpsim} ${PROJECT_SOURCE_DIR})
set_tests_properties(sweep_recipes_test PROPERTIES LABELS integration TIMEOUT 180 RUN_SERIAL TRUE)
# A sweep that leaves a violating world out of its JSON lines: its own report still names the
# violation, but the shards' lines, merged, lose it (the merge finds none): sim_sweep.cmake
# must say so.
postable_mutated_sources(sweep_drops_violating_lines postable_sim ${PROJECT_SOURCE_DIR}/sim/sweep.cpp
  [=[if (jsonl) *jsonl << result.line << "\n";]=]
  [=[if (jsonl && !result.violated) *jsonl << result.line << "\n";]=])
postable_mutated_sources(sweep_times_out_early postable_core ${session_cpp}
  [=[  return clock_started_ + config_.timeout;]=]
  [=[  return clock_started_ + (config_.timeout - std::chrono::milliseconds(1));]=])
add_executable(smtpsim_drops_violating_lines $<TARGET_OBJECTS:smtpsim_main>
               ${sweep_drops_violating_lines_sources} ${sweep_times_out_early_sources})
target_include_directories(smtpsim_drops_violating_lines PRIVATE ${PROJECT_SOURCE_DIR}/impl)
target_link_libraries(smtpsim_drops_violating_lines PRIVATE postable_sim CLI11::CLI11
                      nlohmann_json::nlohmann_json postable_warnings)
add_test(NAME mutant_sweep_drops_violating_lines
         COMMAND ${CMAKE_COMMAND} -DSMTPSIM=$<TARGET_FILE:smtpsim>
                 -DFAULTY_SMTPSIM=$<TARGET_FILE:smtpsim_drops_violating_lines>
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/mutant_sweep_drops_violating_lines
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/scripts/sim_sweep.cmake)
set_tests_properties(mutant_sweep_drops_violating_lines PROPERTIES LABELS property
  PASS_REGULAR_EXPRESSION "exit 0, not 1|faulty: the merged shards' report and the sweep's differ")

# ---- Real runs, judged by their traces (smtpd --trace, then smtpsim check) -----------------
# postable_traced_mutant(NAME FILE FROM TO SCENARIO EXPECT): smtpd built with FILE (a source or
# header of the server or the core) mutated, run in SCENARIO of scripts/traced_run.sh; the
# check of its trace must name the violation EXPECT.
set(server_dir ${PROJECT_SOURCE_DIR}/impl/server)
function(postable_traced_mutant name file from to scenario expect)
  postable_mutant(${name} ${file} "${from}" "${to}")
  set(sources ${server_dir}/main.cpp)
  # The server's own files that include the headers a bug may be planted in, built again.
  foreach(own server.cpp connection.cpp)
    if(NOT file STREQUAL ${server_dir}/${own})
      list(APPEND sources ${server_dir}/${own})
    endif()
  endforeach()
  if(file MATCHES "\\.cpp$")
    list(APPEND sources ${${name}_copy})
  endif()
  add_executable(smtpd_${name} ${sources})
  target_include_directories(smtpd_${name} BEFORE PRIVATE ${PROJECT_BINARY_DIR}/mutants/${name})
  target_link_libraries(smtpd_${name} PRIVATE postable_server CLI11::CLI11 postable_warnings)
  postable_traced_run(mutant_${name} $<TARGET_FILE:smtpd_${name}> ${scenario} "${expect}")
endfunction()
set(core_dir ${PROJECT_SOURCE_DIR}/impl/core)
# A 250 as soon as the record is appended, before any sync.
postable_traced_mutant(traced_reply_before_sync ${core_dir}/mailbox_machine.hpp
  [=[const Fate fate = sync_.fate(ticket);]=]
  [=[const Fate fate = sync_.fate(ticket) == Fate::lost ? Fate::lost : Fate::durable;]=]
  stress "acknowledged before a sync covered it")
# A backup cut one message short of its group: mailbox.2-32.
postable_traced_mutant(traced_backup_cut_wrong ${core_dir}/mailbox_machine.hpp
  [=[BackupRange begin_move() { return ledger_.begin_backup(); }]=]
  [=[BackupRange begin_move() {
    BackupRange range = ledger_.begin_backup();
    ++range.first;
    return range;
  }]=] stress "does not hold exactly messages")
# An acceptor that accepts first and waits for an idle worker after.
postable_traced_mutant(traced_eager_acceptor ${server_dir}/server.cpp
  [=[  while (pool.wait_for_idle_worker()) {
    std::optional<Connection> connection = accept_one(listener, stop_signal, config.busy_poll, log);
    if (!connection) {
      pool.accept_ended();
      break;
    }
    connection->id = ++accepted;
    if (tracer.on()) tracer.accepted(connection->id, pool.idle_workers());
    pool.hand_off(std::move(*connection));]=]
  [=[  for (;;) {
    std::optional<Connection> connection = accept_one(listener, stop_signal, config.busy_poll, log);
    if (!connection) break;
    connection->id = ++accepted;
    if (tracer.on()) tracer.accepted(connection->id, pool.idle_workers());
    if (!pool.wait_for_idle_worker()) break;
    pool.hand_off(std::move(*connection));]=]
  stress "accepted while no worker was idle")
# The stop that wakes no waiting session: they hear their 421 only when their wait ends.
postable_traced_mutant(traced_421_too_late ${server_dir}/drain.hpp
  [=[    wake(ledger_.stop());]=] [=[    ledger_.stop();]=]
  stop "not told at the stop")
# The stop signal kept from the pool: an acceptor waiting for a worker (all busy) never sees
# it, and no session is told.
postable_traced_mutant(traced_stop_unseen_when_busy ${server_dir}/server.cpp
  [=[    tracer.server(trace::Kind::stop_signal);
    pool.stop();]=] [=[    tracer.server(trace::Kind::stop_signal);]=]
  stop "not told at the stop")
# A failed sync taken for one that worked: the records it may have lost are acknowledged.
postable_traced_mutant(traced_failed_sync_keeps_its_records ${core_dir}/mailbox_machine.hpp
  [=[    if (ok) {
      sync_.sync_succeeded();]=] [=[    if (ok || !ok) {
      sync_.sync_succeeded();]=]
  syncfail "a 250 for a message no record holds")
# Message 5 numbered 4 again.
postable_traced_mutant(traced_number_given_twice ${server_dir}/mailbox.hpp
  [=[    const std::uint64_t number = machine_.next_number();]=]
  [=[    const std::uint64_t next = machine_.next_number();
    const std::uint64_t number = next == 5 ? 4 : next;]=]
  stress "message number 4 was given where 5 was next")
# The error limit reached one error early: a 421 the table does not fire.
postable_traced_mutant(traced_reply_not_the_tables ${core_dir}/session.cpp
  [=[errors_ >= config_.error_limit]=] [=[errors_ + 1 >= config_.error_limit]=]
  stress "which no input explains|where the table fires")
# A session's wait that ends 1.5 s after its deadline: the 421 of the timeout comes late.
postable_traced_mutant(traced_timeout_late ${server_dir}/connection.cpp
  [=[receive(fd, context.buffer, *session.deadline(), long_wait, context.busy_poll);]=]
  [=[receive(fd, context.buffer, *session.deadline() + std::chrono::milliseconds(1500), long_wait,
              context.busy_poll);]=]
  timeout "a timeout fired at")
