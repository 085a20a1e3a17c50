# Warnings live on an interface target that every project target links.
add_library(dfg_warnings INTERFACE)
target_compile_options(dfg_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-qual -Wformat=2)

option(DFG_WERROR "Treat compiler warnings as errors (CI turns this on)" OFF)
if(DFG_WERROR)
  target_compile_options(dfg_warnings INTERFACE -Werror)
endif()

if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 8)
  message(FATAL_ERROR "GCC ${CMAKE_CXX_COMPILER_VERSION} is too old: C++17 needs GCC 8 (EL 8) or newer")
endif()
