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
string(REGEX MATCHALL "VIOLATION: ${EXPECT}" caught "${all}")
list(LENGTH caught count)
if(count EQUAL 0)
  message(FATAL_ERROR "the sweep failed, but not with `${EXPECT}`:\n${all}")
endif()
string(REGEX MATCH "sweep: [0-9]+ world\\(s\\)[^\n]*" verdict "${all}")
string(REGEX MATCH "replay: [^\n]*" replay "${all}")
message(STATUS "caught as expected in ${count} world(s): ${verdict}\n  ${replay}")
