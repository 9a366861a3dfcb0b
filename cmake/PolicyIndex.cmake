# Build helpers shared by every module.

# Warnings for our own targets only (linked PRIVATE), never global flags.
add_library(pi_warnings INTERFACE)
target_compile_options(pi_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-qual -Wformat=2 -Wimplicit-fallthrough)
if(PI_WERROR)
  target_compile_options(pi_warnings INTERFACE -Werror)
  # GCC 12 at -O2 with sanitizers reports false positives inside library headers:
  # maybe-uninitialized in <regex> (GCC bug 105562), mismatched-new-delete in Asio's
  # coroutine frames, and the flow-sensitive families below. Shown, but not fatal.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(pi_warnings INTERFACE
      -Wno-error=maybe-uninitialized -Wno-error=mismatched-new-delete
      -Wno-error=dangling-pointer -Wno-error=array-bounds -Wno-error=stringop-overflow
      -Wno-error=free-nonheap-object -Wno-error=use-after-free)
  endif()
endif()
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(pi_warnings INTERFACE _GLIBCXX_ASSERTIONS)
endif()

if(PI_SANITIZE)
  add_compile_options(-fsanitize=${PI_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${PI_SANITIZE})
endif()

# pi_add_library(name SOURCES ... PUBLIC_LIBS ... PRIVATE_LIBS ...)
function(pi_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS} pi_warnings)
endfunction()

# pi_add_test(name SOURCES ... LIBS ... [LABELS ...]): one gtest binary, tests discovered by ctest.
function(pi_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} pi_testing GTest::gtest_main GTest::gmock pi_warnings)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  # A list value would be split by PROPERTIES' key/value parsing: escape its separators.
  string(REPLACE ";" "\\;" labels "${ARG_LABELS}")
  gtest_discover_tests(${name}
    PROPERTIES LABELS "${labels}" TIMEOUT ${ARG_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
endfunction()

# pi_embed_text(INPUT SYMBOL OUTPUT): generates OUTPUT, a C++ file defining
# `extern const char SYMBOL[]` with the contents of INPUT. Re-run on change of INPUT.
function(pi_embed_text input symbol output)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${input})
  file(READ ${input} content)
  set(delim "PI_EMBED")
  file(WRITE ${output}.tmp
    "// Generated from ${input}; do not edit.\n"
    "extern const char ${symbol}[];\n"
    "const char ${symbol}[] = R\"${delim}(${content})${delim}\";\n")
  file(COPY_FILE ${output}.tmp ${output} ONLY_IF_DIFFERENT)
endfunction()

# pi_add_shared_test(name SOURCES ... LIBS ...): a test binary reading ../shared, labelled
# "shared". Registered only when the shared material exists (tests/CMakeLists.txt then
# adds one test that reports plainly that these were not run).
function(pi_add_shared_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT PI_HAVE_SHARED)
    return()
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  pi_add_test(${name} SOURCES ${ARG_SOURCES} LIBS ${ARG_LIBS} LABELS shared ${ARG_LABELS}
              TIMEOUT ${ARG_TIMEOUT})
endfunction()
