# Helpers for planted bugs: a copy of a source with one snippet replaced, and a test built over
# it that must fail. Included only when POSTABLE_MUTANTS is ON, so that an edit of a mutated
# line can break only the build that plants the bug, and there with a message naming it.
# The list of planted bugs itself is tests/mutants.cmake.

set(POSTABLE_MUTANT_SCRIPT ${PROJECT_SOURCE_DIR}/tests/scripts/expect_property_failure.cmake)

# postable_mutant(NAME FILE FROM TO): a copy of FILE with its one occurrence of FROM replaced
# by TO, at mutants/NAME/<library path of FILE> in the build folder (impl/server/mailbox.hpp
# lands at mutants/NAME/server/mailbox.hpp, so "server/mailbox.hpp" finds it first).
# Configuring fails when FROM is not found exactly once, so that an edit of FILE cannot
# silently turn a mutant into the original.
function(postable_mutant name file from to)
  file(READ ${file} text)
  string(FIND "${text}" "${from}" first)
  string(FIND "${text}" "${from}" last REVERSE)
  if(first EQUAL -1 OR NOT first EQUAL last)
    message(FATAL_ERROR "mutant ${name}: the text to replace is not in ${file} exactly once")
  endif()
  string(REPLACE "${from}" "${to}" text "${text}")
  file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${file})
  string(REGEX REPLACE "^impl/" "" relative ${relative})
  set(copy ${PROJECT_BINARY_DIR}/mutants/${name}/${relative})
  file(WRITE ${copy}.new "${text}")
  configure_file(${copy}.new ${copy} COPYONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  set(${name}_copy ${copy} PARENT_SCOPE)
endfunction()

# postable_expect_failure(NAME EXPECT RUN [LABEL label] [NO_COUNTEREXAMPLE]): registers
# mutant_NAME with CTest: it must fail with a report matching EXPECT (running only the test
# RUN, unless empty); a RapidCheck counterexample is demanded unless NO_COUNTEREXAMPLE.
function(postable_expect_failure name expect run)
  cmake_parse_arguments(ARG "NO_COUNTEREXAMPLE" "LABEL" "" ${ARGN})
  set(counterexample ON)
  if(ARG_NO_COUNTEREXAMPLE)
    set(counterexample OFF)
  endif()
  if(NOT ARG_LABEL)
    set(ARG_LABEL property)
  endif()
  add_test(NAME mutant_${name}
    COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:mutant_${name}> "-DEXPECT=${expect}"
            "-DRUN=${run}" -DCOUNTEREXAMPLE=${counterexample} -P ${POSTABLE_MUTANT_SCRIPT})
  set_tests_properties(mutant_${name} PROPERTIES LABELS ${ARG_LABEL})
endfunction()

# postable_mutant_test(NAME EXPECT SOURCES... [LIBS ...] [DEFINES ...]): a test binary whose
# includes find mutants/NAME/ first (a mutated header, or none when DEFINES plant the bug),
# expected to fail with a counterexample matching EXPECT.
function(postable_mutant_test name expect)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;DEFINES" ${ARGN})
  add_executable(mutant_${name} ${ARG_SOURCES})
  target_include_directories(mutant_${name} BEFORE PRIVATE ${PROJECT_BINARY_DIR}/mutants/${name})
  target_link_libraries(mutant_${name} PRIVATE postable_test_support
                        Boost::unit_test_framework postable_warnings ${ARG_LIBS})
  target_compile_definitions(mutant_${name} PRIVATE ${ARG_DEFINES})
  postable_expect_failure(${name} "${expect}" "")
endfunction()

# postable_mutated_sources(NAME TARGET FILE FROM TO): FILE (one of TARGET's sources) mutated,
# in NAME_sources of the caller. Compile it into the test and link TARGET after it: the
# mutated object defines every symbol of the original, so the linker never takes the
# original's member from the static library, and the rest of TARGET is built only once.
function(postable_mutated_sources name target file from to)
  postable_mutant(${name} ${file} "${from}" "${to}")
  get_target_property(files ${target} SOURCES)
  get_target_property(folder ${target} SOURCE_DIR)
  set(found OFF)
  foreach(source ${files})
    if(${folder}/${source} STREQUAL ${file})
      set(found ON)
    endif()
  endforeach()
  if(NOT found)
    message(FATAL_ERROR "mutant ${name}: ${file} is not a source of ${target}")
  endif()
  set(${name}_sources ${${name}_copy} PARENT_SCOPE)
endfunction()
