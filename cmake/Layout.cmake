# The layout, enforced: core/ (the generator's library) and guard/ (the command's decisions)
# never link libsystemd, run processes or take locks; system/ does, behind guard/'s
# interfaces. dfg_layout_rules(TARGET) puts cmake/forbidden first on TARGET's include path:
# a header there of the same name as sd-bus's, spawn(3)'s or flock(2)'s stops the compile
# with a message saying where the code belongs.
set(DFG_FORBIDDEN_INCLUDES ${CMAKE_CURRENT_LIST_DIR}/forbidden)
function(dfg_layout_rules target)
  target_include_directories(${target} BEFORE PRIVATE ${DFG_FORBIDDEN_INCLUDES})
  get_target_property(_libs ${target} LINK_LIBRARIES)
  if(_libs MATCHES "SYSTEMD")
    message(FATAL_ERROR "${target} must not link libsystemd (CONTRIBUTING.md, Layout)")
  endif()
endfunction()
