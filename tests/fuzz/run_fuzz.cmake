# ctest driver: configure + build tests/fuzz with clang, then run each fuzzer for a bounded
# time on a copy of its seed corpus. Usage: cmake -DSRC=<tests/fuzz> -DBIN=<dir> [-DSECONDS=20] -P run_fuzz.cmake
if(NOT SECONDS)
  set(SECONDS 20)
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC} -B ${BIN} -G Ninja -DCMAKE_C_COMPILER=clang
                        -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the fuzz build failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BIN} -j2 RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the fuzzers failed")
endif()
# The DOCX seed is a ZIP made from the seeds/docx folder.
file(MAKE_DIRECTORY ${BIN}/corpus/docx)
execute_process(COMMAND ${CMAKE_COMMAND} -E tar cf ${BIN}/corpus/docx/seed.docx --format=zip word
                WORKING_DIRECTORY ${SRC}/seeds/docx)
# Seeds: the fuzz-only ones in seeds/<format>/, plus the extract tests' own sample files
# (tests/data/extract/*.html, *.txt), so each sample lives in one place.
foreach(f html pdf text)
  file(MAKE_DIRECTORY ${BIN}/corpus/${f})
  set(ext ${f})
  if(f STREQUAL "text")
    set(ext txt)
  endif()
  file(GLOB seeds ${SRC}/seeds/${f}/* ${SRC}/../data/extract/*.${ext})
  file(COPY ${seeds} DESTINATION ${BIN}/corpus/${f})
endforeach()
foreach(f html pdf docx text)
  message(STATUS "fuzzing ${f} for ${SECONDS} s")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env LSAN_OPTIONS=suppressions=${SRC}/lsan.supp
                          ${BIN}/fuzz_${f} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
                          -max_len=65536 -print_final_stats=1 ${BIN}/corpus/${f}
                  WORKING_DIRECTORY ${BIN}
                  RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "fuzz_${f} found a problem (exit ${rc}); the reproducer is in ${BIN}")
  endif()
endforeach()
message(STATUS "all fuzzers ran clean")
