# The sanitizer and fuzzing builds (docs/robustness.md), each configured in a binary directory of
# its own (`make sanitize`, `make fuzz`). Included before any target is defined, so that the flags
# reach every library. Both builds stop after the libraries without RTL or SystemC, with what
# mixpe_add_robustness_targets (below) adds, so they need neither Verilator nor SystemC.
#   MIXPE_SANITIZE  the unit tests that need no RTL, under AddressSanitizer and
#                   UndefinedBehaviorSanitizer (any compiler that has them: g++ or clang++)
#   MIXPE_FUZZ      the libFuzzer targets of fuzz/, under the same sanitizers (clang++ only)
option(MIXPE_SANITIZE "Build the RTL-free unit tests with ASan and UBSan" OFF)
option(MIXPE_FUZZ "Build the parsers' libFuzzer targets with ASan and UBSan (clang)" OFF)

if(MIXPE_SANITIZE AND MIXPE_FUZZ)
  message(FATAL_ERROR "MIXPE_SANITIZE and MIXPE_FUZZ are separate builds: configure one of them "
                      "in each binary directory")
endif()

if(MIXPE_SANITIZE OR MIXPE_FUZZ)
  # Undefined behaviour stops the program, so a test or a fuzz run cannot pass over it. Assertions
  # stay on whatever the build type: an internal invariant broken by an input is a finding too.
  # Line tables only (-g1): enough for the reports' stack traces, cheaper to compile than -g.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -g1 -O1 -UNDEBUG)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's flow analysis loses track through the instrumentation and warns about libstdc++'s
    # own std::function members (in <regex>); the sanitizers check the real thing at run time.
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()

if(MIXPE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MIXPE_FUZZ needs clang's libFuzzer: configure with "
                        "-DCMAKE_CXX_COMPILER=clang++ (packages clang and libclang-rt-14-dev)")
  endif()
  # Coverage feedback from every library; libFuzzer's own main is linked into the targets only.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# The rest of a sanitizer or fuzzing build, which the top CMakeLists.txt adds after the libraries
# without RTL or SystemC (and then returns): their unit tests, or the fuzz targets.
macro(mixpe_add_robustness_targets)
  include(CTest)
  if(MIXPE_SANITIZE)
    add_subdirectory(tests)
    # One ctest per test program instead of one per test case: every process starts the
    # sanitizers' runtime and the suites' fixtures again, and most of the time went to that.
    get_property(mixpe_test_dirs DIRECTORY tests PROPERTY SUBDIRECTORIES)
    foreach(dir ${PROJECT_SOURCE_DIR}/tests ${mixpe_test_dirs})
      set_property(DIRECTORY ${dir} PROPERTY TEST_INCLUDE_FILES "")
      get_property(mixpe_programs DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
      foreach(program IN LISTS mixpe_programs)
        get_target_property(mixpe_type ${program} TYPE)
        if(mixpe_type STREQUAL "EXECUTABLE")
          add_test(NAME ${program} COMMAND ${program} --gtest_brief=1)
        endif()
      endforeach()
    endforeach()
  endif()
  add_subdirectory(fuzz)
  if(MIXPE_FUZZ)
    # Nothing of the fuzz targets links them.
    set_target_properties(mixpe_explore mixpe_cosim_core PROPERTIES EXCLUDE_FROM_ALL ON)
  endif()
endmacro()
