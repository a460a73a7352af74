# postable_script_test(NAME LABEL SCRIPT [ARGS -DNAME=VALUE...]): a CTest test that runs the
# CMake script tests/scripts/SCRIPT with the given definitions, under LABEL.
function(postable_script_test name label script)
  cmake_parse_arguments(ARG "" "" "ARGS" ${ARGN})
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} ${ARG_ARGS} -P ${PROJECT_SOURCE_DIR}/tests/scripts/${script})
  set_tests_properties(${name} PROPERTIES LABELS ${label})
endfunction()
