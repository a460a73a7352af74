# The simulator's digests for the witness worlds (scripts/sim-digests) are the baseline in
# tests/sim_digests.txt: a restructuring changes none of them. A change of behaviour that
# is meant writes the baseline again (scripts/sim-digests > tests/sim_digests.txt) and says
# why in its commit.
#   cmake -DSCRIPT=scripts/sim-digests -DSMTPSIM=... -DBASELINE=tests/sim_digests.txt -P sim_digests.cmake
execute_process(COMMAND ${SCRIPT} ${SMTPSIM} RESULT_VARIABLE status OUTPUT_VARIABLE now
                ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "sim-digests failed (${status}):\n${errors}")
endif()
file(READ ${BASELINE} baseline)
if(NOT now STREQUAL baseline)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/sim_digests.now "${now}")
  message(FATAL_ERROR "the simulator's digests differ from ${BASELINE} (now: "
                      "${CMAKE_CURRENT_BINARY_DIR}/sim_digests.now):\n${now}")
endif()
