# A sweep prints and writes the same at --jobs 1 and --jobs 2; its shards, merged, give the
# very report of the whole sweep; violations are collected with --keep-going (each with its
# replay line), and without it the sweep stops at the first, whatever --jobs says.
# The violations are those of FAULTY_SMTPSIM, an smtpsim built with a planted bug.
#   cmake -DSMTPSIM=... -DFAULTY_SMTPSIM=... -DOUT=dir -P sim_sweep.cmake
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})

# sweep(NAME EXPECTED_STATUS ARGS...): runs smtpsim (the faulty one when EXPECTED_STATUS is 1);
# its stdout in ${NAME}_out.
function(sweep name expected)
  set(binary ${SMTPSIM})
  if(expected EQUAL 1)
    set(binary ${FAULTY_SMTPSIM})
  endif()
  execute_process(COMMAND ${binary} ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE output
                  ERROR_VARIABLE errors)
  if(NOT status EQUAL expected)
    message(FATAL_ERROR "smtpsim ${ARGN}: exit ${status}, not ${expected}:\n${output}${errors}")
  endif()
  set(${name}_out "${output}" PARENT_SCOPE)
endfunction()

# The report that closes a sweep's output: from its `sweep:` line on.
function(report_of text out)
  string(FIND "${text}" "sweep: " at)
  if(at LESS 0)
    message(FATAL_ERROR "no sweep report in:\n${text}")
  endif()
  string(SUBSTRING "${text}" ${at} -1 report)
  set(${out} "${report}" PARENT_SCOPE)
endfunction()

function(require_same a b what)
  if(NOT "${a}" STREQUAL "${b}")
    message(FATAL_ERROR "${what} differ:\n--- one\n${a}\n--- other\n${b}")
  endif()
endfunction()

foreach(case clean faulty)
  set(flags --seeds 1..40 --clients 200 --keep-going --quiet)
  set(status 0)
  if(case STREQUAL "faulty")
    set(status 1)
  endif()
  sweep(one ${status} ${flags} --jobs 1 --jsonl ${OUT}/${case}_one.jsonl)
  sweep(two ${status} ${flags} --jobs 2 --jsonl ${OUT}/${case}_two.jsonl)
  require_same("${one_out}" "${two_out}" "${case}: the output at --jobs 1 and --jobs 2")
  file(READ ${OUT}/${case}_one.jsonl lines_one)
  file(READ ${OUT}/${case}_two.jsonl lines_two)
  require_same("${lines_one}" "${lines_two}" "${case}: the JSON lines at --jobs 1 and 2")
  set(shards)
  foreach(shard 0 1 2 3)
    sweep(part ${status} ${flags} --jobs 2 --shard ${shard}/4 --jsonl ${OUT}/${case}_${shard}.jsonl)
    list(APPEND shards ${OUT}/${case}_${shard}.jsonl)
  endforeach()
  list(REVERSE shards)  # the order of the files does not matter
  sweep(merged ${status} merge ${shards})
  report_of("${one_out}" whole)
  require_same("${whole}" "${merged_out}" "${case}: the merged shards' report and the sweep's")
  message(STATUS "${case}: ${whole}")
endforeach()

if(NOT merged_out MATCHES "seed [0-9]+: a timeout fired at.*\n  replay: smtpsim --seed ")
  message(FATAL_ERROR "the faulty sweep's report names no violation with its replay:\n${merged_out}")
endif()
# Without --keep-going a sweep ends at its first violation, the same at any --jobs.
sweep(first_one 1 --seeds 1..40 --clients 200 --quiet --jobs 1)
sweep(first_two 1 --seeds 1..40 --clients 200 --quiet --jobs 2)
require_same("${first_one_out}" "${first_two_out}" "the sweeps stopped at the first violation")
report_of("${first_one_out}" first)
if(NOT first MATCHES " 1 violation\\(s\\)")
  message(FATAL_ERROR "a sweep without --keep-going went past its first violation:\n${first}")
endif()
