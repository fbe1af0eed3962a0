# Sanitizer and fuzzing builds.
#
#   PLUTON_SANITIZE=address,undefined   ASan + UBSan (any UB aborts the test that hit it)
#   PLUTON_SANITIZE=thread              TSan (not together with address)
#   PLUTON_FUZZ=ON                      also builds the libFuzzer targets in fuzz/ (clang only):
#                                       everything is compiled with -fsanitize=fuzzer-no-link, so
#                                       one build directory serves the sanitized tests and the
#                                       fuzzers; the fuzz targets link with -fsanitize=fuzzer.
#
# Every target (libraries, plugins, tests, the daemon) is compiled and linked with the same
# flags. Sanitizer runtimes are linked statically into executables and exported from them, so
# a plugin loaded with dlopen finds them there: a MODULE cannot be linked with --no-undefined
# in such a build, which is why modules take their link check from PLUTON_MODULE_LINK_CHECK.
# scripts/test.sh configures build-sanitize/ this way; fuzz/README.md shows the commands.

set(PLUTON_SANITIZE "" CACHE STRING
    "Sanitizers to build with, comma-separated: address, undefined, thread (empty: none)")
option(PLUTON_FUZZ "Build the libFuzzer targets under fuzz/ (clang only)" OFF)

# Plugins must resolve every symbol at link time, except in an instrumented build.
set(PLUTON_MODULE_LINK_CHECK -Wl,--no-undefined)

set(pluton_sanitizers "")
if(PLUTON_SANITIZE)
  string(REPLACE "," ";" pluton_sanitizers "${PLUTON_SANITIZE}")
  foreach(sanitizer IN LISTS pluton_sanitizers)
    if(NOT sanitizer MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "PLUTON_SANITIZE: unknown sanitizer \"${sanitizer}\"; "
                          "use address, undefined and/or thread")
    endif()
  endforeach()
  if("thread" IN_LIST pluton_sanitizers AND "address" IN_LIST pluton_sanitizers)
    message(FATAL_ERROR "PLUTON_SANITIZE: thread and address cannot be combined; "
                        "build them in separate directories")
  endif()
endif()
if(PLUTON_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PLUTON_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(NOT pluton_sanitizers)
    message(FATAL_ERROR "PLUTON_FUZZ needs PLUTON_SANITIZE (address,undefined): the "
                        "sanitizer runtime also serves the coverage hooks of the other targets")
  endif()
  list(APPEND pluton_sanitizers fuzzer-no-link)
endif()

if(pluton_sanitizers)
  list(JOIN pluton_sanitizers "," pluton_sanitize_list)
  set(pluton_sanitize_flags -fsanitize=${pluton_sanitize_list} -fno-omit-frame-pointer)
  if("undefined" IN_LIST pluton_sanitizers)
    # A report fails the test instead of scrolling by.
    list(APPEND pluton_sanitize_flags -fno-sanitize-recover=undefined)
  endif()
  # -O1 as the sanitizers' documentation advises (after the build type's -O2, so it wins): a
  # good stack and quicker builds. Line tables are enough for symbolized stack traces and much
  # cheaper to build than full debug info.
  list(APPEND pluton_sanitize_flags -O1)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    list(APPEND pluton_sanitize_flags -gline-tables-only)
  endif()
  add_compile_options(${pluton_sanitize_flags})
  add_link_options(${pluton_sanitize_flags})
  set(PLUTON_MODULE_LINK_CHECK "")
  message(STATUS "pluton: instrumented build: ${pluton_sanitize_flags}")
endif()
