# The committed diagrams/smtp.svg must be what Graphviz renders from the current model.
#   cmake -DDOT=... -DDOT_FILE=build/generated/smtp.dot -DSVG=diagrams/smtp.svg -DOUT=... -P ...
execute_process(COMMAND ${DOT} -Tsvg ${DOT_FILE} -o ${OUT} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "dot failed on ${DOT_FILE}")
endif()
file(READ ${OUT} rendered)
file(READ ${SVG} committed)
if(NOT rendered STREQUAL committed)
  message(FATAL_ERROR "diagrams/smtp.svg is stale: run `make diagram` and commit it")
endif()
