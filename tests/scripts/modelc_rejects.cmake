# Runs smtpmodelc on a broken model with outputs requested, and demands: a non-zero exit,
# a `file:line: message` diagnostic matching EXPECT, and no output file written.
#   cmake -DMODELC=... -DMODEL=... -DEXPECT=regex -DOUT=dir -P modelc_rejects.cmake
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(
  COMMAND ${MODELC} ${MODEL} --header ${OUT}/table.hpp --dot ${OUT}/smtp.dot
  RESULT_VARIABLE status ERROR_VARIABLE errors OUTPUT_VARIABLE output)
if(status EQUAL 0)
  message(FATAL_ERROR "smtpmodelc accepted ${MODEL}")
endif()
if(NOT errors MATCHES "${EXPECT}")
  message(FATAL_ERROR "expected a diagnostic matching `${EXPECT}`, got:\n${errors}")
endif()
if(EXISTS ${OUT}/table.hpp OR EXISTS ${OUT}/smtp.dot)
  message(FATAL_ERROR "smtpmodelc wrote output for a broken model")
endif()
message(STATUS "rejected as expected:\n${errors}")
