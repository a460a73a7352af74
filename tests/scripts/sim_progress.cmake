# Without a terminal, smtpsim writes a progress line every --progress-every seconds once a run
# is that long (a run of a second or so, lines every 0.1 s); --quiet silences them.
#   cmake -DSMTPSIM=... -DOUT=dir -P sim_progress.cmake
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
set(world --seed 11 --clients 50000 --workers 32 --backup-every 32 --timeout 10 --rate 100
          --mix polite=6,erroneous=3,bytewise=1,pipelined=2,dropper=1,idle=0)
execute_process(COMMAND ${SMTPSIM} ${world} --progress-every 0.1
                RESULT_VARIABLE status OUTPUT_QUIET ERROR_FILE ${OUT}/progress.txt)
file(STRINGS ${OUT}/progress.txt lines REGEX "^virtual [0-9.]+ s, [0-9]+ sessions, ")
list(LENGTH lines count)
if(NOT status EQUAL 0 OR count LESS 2)
  file(READ ${OUT}/progress.txt said)
  message(FATAL_ERROR "exit ${status}; ${count} progress lines on stderr:\n${said}")
endif()
execute_process(COMMAND ${SMTPSIM} ${world} --progress-every 0.1 --quiet
                RESULT_VARIABLE status OUTPUT_QUIET ERROR_VARIABLE said)
if(NOT status EQUAL 0 OR NOT said STREQUAL "")
  message(FATAL_ERROR "--quiet: exit ${status}, stderr:\n${said}")
endif()
message(STATUS "${count} progress lines without a terminal; none with --quiet")
