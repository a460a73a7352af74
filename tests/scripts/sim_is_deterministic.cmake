# Two runs of smtpsim with the same seed and flags write byte-identical summaries (but for
# the wall-clock object) and traces; a run with another seed writes a different trace.
#   cmake -DSMTPSIM=... -DOUT=dir -P sim_is_deterministic.cmake
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
foreach(run a b c)
  set(seed 42)
  if(run STREQUAL "c")
    set(seed 43)
  endif()
  execute_process(
    COMMAND ${SMTPSIM} --seed ${seed} --clients 2000 --quiet --json ${OUT}/${run}.json
            --trace ${OUT}/${run}.trace --coverage-dot ${OUT}/${run}.dot
    RESULT_VARIABLE status OUTPUT_VARIABLE output)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "smtpsim failed:\n${output}")
  endif()
  file(STRINGS ${OUT}/${run}.json lines REGEX "^  \"[a-z_]+\": " )
  list(FILTER lines EXCLUDE REGEX "\"wall\"")
  set(summary_${run} "${lines}")
  file(READ ${OUT}/${run}.trace trace_${run})
  file(READ ${OUT}/${run}.dot dot_${run})
endforeach()
if(NOT summary_a STREQUAL summary_b)
  message(FATAL_ERROR "the same seed gave different summaries")
endif()
if(NOT trace_a STREQUAL trace_b OR NOT dot_a STREQUAL dot_b)
  message(FATAL_ERROR "the same seed gave different traces")
endif()
if(trace_a STREQUAL trace_c OR summary_a STREQUAL summary_c)
  message(FATAL_ERROR "another seed gave the same run")
endif()
string(LENGTH "${trace_a}" bytes)
message(STATUS "two runs of seed 42 agree byte for byte (${bytes} bytes of trace); seed 43 differs")
