# Debian installs generators in /lib/systemd/..., Fedora in /usr/lib/systemd/...:
# ask systemd's pkg-config file, and let packagers override it.
if(NOT DEFINED SYSTEMD_SYSTEM_GENERATOR_DIR)
  pkg_get_variable(_dfg_gendir systemd systemdsystemgeneratordir)
  if(NOT _dfg_gendir)
    set(_dfg_gendir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system-generators")
  endif()
  set(SYSTEMD_SYSTEM_GENERATOR_DIR "${_dfg_gendir}" CACHE PATH "Where systemd looks for system generators")
endif()
# The config lives in /etc even when the prefix is /usr (never /usr/etc).
set(DFG_SYSCONFDIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}")
if(NOT DFG_SYSCONFDIR STREQUAL "/etc")
  message(WARNING "The config will be installed to ${DFG_SYSCONFDIR}, but the programs read "
    "/etc/docker-firewall-guard.conf. Configure with -DCMAKE_INSTALL_PREFIX=/usr, as packages "
    "do, to install it there.")
endif()
# tmpfiles.d(5) entries: systemd's own directory, overridable like the generator's.
if(NOT DEFINED SYSTEMD_TMPFILES_DIR)
  pkg_get_variable(_dfg_tmpfilesdir systemd tmpfilesdir)
  if(NOT _dfg_tmpfilesdir)
    set(_dfg_tmpfilesdir "${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d")
  endif()
  set(SYSTEMD_TMPFILES_DIR "${_dfg_tmpfilesdir}" CACHE PATH "Where systemd-tmpfiles looks for entries")
endif()
