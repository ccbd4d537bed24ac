# mixpe_verilate(<name> CONFIG <hardware.yaml> TOP <mixpe_core|mixpe_array|mixpe_pe> [WAVES])
#
# Builds the RTL of rtl/rtl.f with Verilator, parameterized by a hardware YAML, into a library
# target <name> (class V<name>, header V<name>.h, plus rtl_params.h with the same parameters for
# C++). The YAML is the only place the parameters are written: mixpe_rtl_params turns it into
# Verilator -G overrides at build time, so editing the YAML rebuilds the RTL, and nothing falls
# back to the RTL's default parameters.
#
# The generated C++ is compiled by Verilator's own makefile at -O1 (-O0 for the once-only parts):
# higher levels build about 4x slower and simulate no faster. The Verilator runtime is compiled
# once, in verilated_runtime, and shared by every model. WAVES builds the model with FST tracing
# support (written only when a run asks for it).

find_program(VERILATOR_BIN verilator REQUIRED)
execute_process(COMMAND ${VERILATOR_BIN} --getenv VERILATOR_ROOT
                OUTPUT_VARIABLE VERILATOR_ROOT OUTPUT_STRIP_TRAILING_WHITESPACE)
find_package(Threads REQUIRED)

file(STRINGS ${PROJECT_SOURCE_DIR}/rtl/rtl.f MIXPE_RTL_SOURCES REGEX "^[^/#].*\\.sv$")
list(TRANSFORM MIXPE_RTL_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/rtl/rtl.f)

# --inline-mult -1 flattens the PEs into the array: 2.5x faster simulation of a 16x16 array. (Left
# as separate modules, each PE instance still gets functions of its own in Verilator 5.006, so the
# code is no smaller; docs/performance.md.)
set(MIXPE_VERILATOR_FLAGS --cc --assert -Wall --x-assign fast --x-initial fast --inline-mult -1)

add_library(verilated_runtime STATIC
  ${VERILATOR_ROOT}/include/verilated.cpp
  ${VERILATOR_ROOT}/include/verilated_threads.cpp)
target_include_directories(verilated_runtime SYSTEM PUBLIC
  ${VERILATOR_ROOT}/include ${VERILATOR_ROOT}/include/vltstd)
target_compile_definitions(verilated_runtime PUBLIC
  VM_COVERAGE=0 VM_SC=0 VM_TRACE=0 VM_TRACE_FST=0 VM_TRACE_VCD=0)
target_compile_options(verilated_runtime PRIVATE -w)
target_link_libraries(verilated_runtime PUBLIC Threads::Threads)

find_package(ZLIB REQUIRED)
add_library(verilated_fst STATIC ${VERILATOR_ROOT}/include/verilated_fst_c.cpp)
target_compile_definitions(verilated_fst PRIVATE VM_TRACE=1 VM_TRACE_FST=1)
target_compile_options(verilated_fst PRIVATE -w)
target_link_libraries(verilated_fst PUBLIC verilated_runtime ZLIB::ZLIB)

function(mixpe_verilate name)
  cmake_parse_arguments(ARG "WAVES" "CONFIG;TOP" "" ${ARGN})
  if(NOT ARG_CONFIG OR NOT ARG_TOP)
    message(FATAL_ERROR "mixpe_verilate(${name}): CONFIG and TOP are required")
  endif()
  get_filename_component(config ${ARG_CONFIG} ABSOLUTE BASE_DIR ${PROJECT_SOURCE_DIR})
  set(mdir ${CMAKE_BINARY_DIR}/verilated/${name})
  set(prefix V${name})
  set(flags ${MIXPE_VERILATOR_FLAGS})
  if(ARG_WAVES)
    list(APPEND flags --trace-fst)
  endif()

  add_custom_command(
    OUTPUT ${mdir}/params.vc ${mdir}/rtl_params.h
    COMMAND ${CMAKE_COMMAND} -E make_directory ${mdir}
    COMMAND mixpe_rtl_params ${config} ${ARG_TOP} ${mdir}
    DEPENDS mixpe_rtl_params ${config}
    COMMENT "Generating RTL parameters of ${name} from ${ARG_CONFIG}"
    VERBATIM)

  add_custom_command(
    OUTPUT ${mdir}/${prefix}__ALL.a
    COMMAND ${VERILATOR_BIN} ${flags} --prefix ${prefix} --top-module ${ARG_TOP}
            --Mdir ${mdir} -f ${mdir}/params.vc -f rtl/rtl.f
    COMMAND $(MAKE) -s -C ${mdir} -f ${prefix}.mk OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DEPENDS ${mdir}/params.vc ${MIXPE_RTL_SOURCES}
    COMMENT "Verilating ${ARG_TOP} as ${prefix} (${ARG_CONFIG})"
    VERBATIM)
  add_custom_target(${name}_rtl DEPENDS ${mdir}/${prefix}__ALL.a ${mdir}/rtl_params.h)

  add_library(${name} INTERFACE)
  add_dependencies(${name} ${name}_rtl)
  target_include_directories(${name} INTERFACE ${mdir})
  target_link_libraries(${name} INTERFACE ${mdir}/${prefix}__ALL.a
                        $<IF:$<BOOL:${ARG_WAVES}>,verilated_fst,verilated_runtime>)
endfunction()

# mixpe_verilate_unit(<name> TOP <module> SOURCES <file.sv>... [PARAMS -GName=value...])
#
# Builds one self-contained RTL unit whose parameters do not depend on the hardware YAML (a
# floating-point adder, say) into a library target <name> (class V<name>) for its unit tests.
function(mixpe_verilate_unit name)
  cmake_parse_arguments(ARG "" "TOP" "SOURCES;PARAMS" ${ARGN})
  set(mdir ${CMAKE_BINARY_DIR}/verilated/${name})
  set(prefix V${name})
  list(TRANSFORM ARG_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/)
  add_custom_command(
    OUTPUT ${mdir}/${prefix}__ALL.a
    COMMAND ${CMAKE_COMMAND} -E make_directory ${mdir}
    COMMAND ${VERILATOR_BIN} ${MIXPE_VERILATOR_FLAGS} --prefix ${prefix} --top-module ${ARG_TOP}
            --Mdir ${mdir} ${ARG_PARAMS} ${ARG_SOURCES}
    COMMAND $(MAKE) -s -C ${mdir} -f ${prefix}.mk OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1
    DEPENDS ${ARG_SOURCES}
    COMMENT "Verilating ${ARG_TOP} as ${prefix}"
    VERBATIM)
  add_custom_target(${name}_rtl DEPENDS ${mdir}/${prefix}__ALL.a)
  add_library(${name} INTERFACE)
  add_dependencies(${name} ${name}_rtl)
  target_include_directories(${name} INTERFACE ${mdir})
  target_link_libraries(${name} INTERFACE ${mdir}/${prefix}__ALL.a verilated_runtime)
endfunction()
