# dfg_embed_templates(OUT_CC NAMESPACE ns FILES a.in b.conf ...)
# Writes a .cc defining `extern const char* const ns::<stem>` for each file, so the
# binaries never read templates at run time. Reconfigures when a template changes; the
# .cc is rewritten only when its text changes, so nothing rebuilds needlessly.
function(dfg_embed_templates out_cc)
  cmake_parse_arguments(E "" "NAMESPACE" "FILES" ${ARGN})
  set(body "// Generated from templates/ by cmake/EmbedTemplates.cmake; do not edit.\n")
  string(APPEND body "#include \"templates.h\"\n\nnamespace ${E_NAMESPACE} {\n")
  foreach(file IN LISTS E_FILES)
    get_filename_component(stem "${file}" NAME_WE)
    string(MAKE_C_IDENTIFIER "${stem}" ident)
    file(READ "${file}" text)
    string(APPEND body "const char* const ${ident} = R\"dfg_template(${text})dfg_template\";\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
  endforeach()
  string(APPEND body "}  // namespace ${E_NAMESPACE}\n")
  # file(WRITE), not file(GENERATE): a template may hold "$<", which must stay as it is.
  file(WRITE "${out_cc}.new" "${body}")
  configure_file("${out_cc}.new" "${out_cc}" COPYONLY)
endfunction()
