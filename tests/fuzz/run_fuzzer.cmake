# Runs a libFuzzer target for a fixed budget with a fixed seed over its seed corpora, from
# the same start every time (what it finds goes to a fresh folder of its own). Without EXPECT
# the run must find nothing; with EXPECT (a planted bug) it must fail with a report matching
# EXPECT.
#   cmake -DBINARY=... -DRUNS=N -DCORPORA=dir;dir;... [-DEXPECT=regex] -P run_fuzzer.cmake
get_filename_component(name ${BINARY} NAME)
set(artifacts ${CMAKE_CURRENT_BINARY_DIR}/fuzz-runs/${name}/)
file(REMOVE_RECURSE ${artifacts})
file(MAKE_DIRECTORY ${artifacts}/found)
set(dirs ${artifacts}/found)
foreach(seed ${CORPORA})  # a folder of seeds, or one seed file (copied in: libFuzzer reads folders)
  if(IS_DIRECTORY ${seed})
    list(APPEND dirs ${seed})
  elseif(EXISTS ${seed})
    file(COPY ${seed} DESTINATION ${artifacts}/found)
  endif()
endforeach()
execute_process(COMMAND ${BINARY} -seed=1 -runs=${RUNS} -max_len=4096 -timeout=20
                        -artifact_prefix=${artifacts} ${dirs}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(NOT EXPECT)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${name} found a failing input (in ${artifacts}):\n${all}")
  endif()
  string(REGEX MATCH "Done [0-9]+ runs[^\n]*" done "${all}")
  message(STATUS "${name}: ${done}")
  return()
endif()
if(result EQUAL 0)
  message(FATAL_ERROR "${name} ran ${RUNS} inputs and missed its planted bug")
endif()
if(NOT all MATCHES "${EXPECT}")
  message(FATAL_ERROR "${name} failed, but not with `${EXPECT}`:\n${all}")
endif()
string(REGEX MATCH "fuzz: broken: [^\n]*" verdict "${all}")
message(STATUS "${name}: caught as expected: ${verdict}")
