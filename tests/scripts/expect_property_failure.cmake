# Runs a property test built with a planted bug and demands that the property catch it:
# the run fails, with a RapidCheck counterexample whose report matches EXPECT, and not by a
# crash (a signal) or any other failure.
#   cmake -DBINARY=... -DEXPECT=<regex> [-DRUN=<test>] [-DCOUNTEREXAMPLE=OFF]
#         -P expect_property_failure.cmake
# (COUNTEREXAMPLE=OFF for a test that is not a RapidCheck property: its own report counts.)
# A planted bug may need many cases to show: its run stops at the first counterexample, so a
# generous budget costs nothing when the property works. The counterexample is not shrunk:
# that it is found is the point here (shrinking one under the controlled scheduler took a
# minute on a loaded machine); run the binary by hand to see it shrunk.
string(REGEX REPLACE "max_success=[0-9]+|noshrink=[0-9]+" "" params "$ENV{RC_PARAMS}")
set(ENV{RC_PARAMS} "${params} max_success=5000 noshrink=1")
set(only)
if(RUN)  # the one property the planted bug is for
  set(only --run_test=${RUN})
endif()
execute_process(COMMAND ${BINARY} --log_level=error ${only}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(result EQUAL 0)
  message(FATAL_ERROR "the property held: the planted bug went unnoticed")
endif()
if(NOT result MATCHES "^[0-9]+$")
  message(FATAL_ERROR "the run crashed (${result}) instead of failing the property:\n${all}")
endif()
if(NOT COUNTEREXAMPLE STREQUAL "OFF" AND NOT all MATCHES "Falsifiable")
  message(FATAL_ERROR "the run failed without a RapidCheck counterexample:\n${all}")
endif()
if(NOT all MATCHES "${EXPECT}")
  message(FATAL_ERROR "the property failed, but not with `${EXPECT}`:\n${all}")
endif()
string(REGEX MATCH "Falsifiable[^\n]*" verdict "${all}")
message(STATUS "caught as expected: ${verdict}")
