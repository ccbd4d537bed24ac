# SystemC for the co-simulation (sim/cosim, docs/cosim.md): the imported target SystemC::systemc.
#
# Debian's libsystemc-dev ships no CMake config, so the header and the library are looked up on
# the default paths (SYSTEMC_INCLUDE_DIR and SYSTEMC_LIBRARY override them). The library is built
# as C++17: its users must be compiled as C++17 too, or they fail to link
# (sc_api_version_2_3_4_cxx...).
find_path(SYSTEMC_INCLUDE_DIR NAMES systemc systemc.h)
find_library(SYSTEMC_LIBRARY NAMES systemc)
if(NOT SYSTEMC_INCLUDE_DIR OR NOT SYSTEMC_LIBRARY)
  message(FATAL_ERROR "SystemC not found: install libsystemc-dev (scripts/install-deps.sh), or "
                      "set SYSTEMC_INCLUDE_DIR and SYSTEMC_LIBRARY")
endif()
find_package(Threads REQUIRED)

add_library(SystemC::systemc UNKNOWN IMPORTED)
set_target_properties(SystemC::systemc PROPERTIES
  IMPORTED_LOCATION ${SYSTEMC_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${SYSTEMC_INCLUDE_DIR}
  INTERFACE_LINK_LIBRARIES Threads::Threads)
