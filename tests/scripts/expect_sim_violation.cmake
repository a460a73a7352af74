# Runs a sweep of an smtpsim built with a planted bug and demands that the oracle catch it:
# the sweep exits 1 (not by a signal), with violations matching EXPECT; prints how many of
# the worlds caught it and the first replay line.
#   cmake -DSMTPSIM=... "-DARGS=--seeds;1..200;..." -DEXPECT=<regex> -P expect_sim_violation.cmake
execute_process(COMMAND ${SMTPSIM} ${ARGS} --keep-going --quiet
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(NOT result EQUAL 1)
  message(FATAL_ERROR "expected the sweep to find violations (exit 1), got ${result}:\n${all}")
endif()
string(REGEX MATCHALL "VIOLATION: [^\n]*(${EXPECT})" caught "${all}")
list(LENGTH caught count)
if(count EQUAL 0)
  message(FATAL_ERROR "the sweep failed, but not with `${EXPECT}`:\n${all}")
endif()
string(REGEX MATCH "sweep: [0-9]+ world\\(s\\)[^\n]*" verdict "${all}")
string(REGEX MATCH "replay: [^\n]*" replay "${all}")
message(STATUS "caught as expected in ${count} world(s): ${verdict}\n  ${replay}")
# With TRANSCRIPT, the replay of the first violation (one world) must show the offending
# client's conversation, from the server's greeting.
if(TRANSCRIPT)
  string(REGEX REPLACE "^replay: smtpsim " "" replay_args "${replay}")
  separate_arguments(replay_args UNIX_COMMAND "${replay_args}")
  execute_process(COMMAND ${SMTPSIM} ${replay_args} RESULT_VARIABLE result
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 1 OR NOT "${out}${err}" MATCHES "S: 220 ")
    message(FATAL_ERROR "the replay (exit ${result}) shows no conversation:\n${out}${err}")
  endif()
endif()
