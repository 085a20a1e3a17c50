# dfg_systemd_dir(VAR PKGCONFIG_VARIABLE FALLBACK DOC): a directory systemd names in its
# pkg-config file (Debian and Fedora disagree on some), FALLBACK under the prefix without
# one; packagers override VAR.
function(dfg_systemd_dir var pc_variable fallback doc)
  if(DEFINED ${var})
    return()
  endif()
  pkg_get_variable(_dir systemd ${pc_variable})
  if(NOT _dir)
    set(_dir "${CMAKE_INSTALL_PREFIX}/${fallback}")
  endif()
  set(${var} "${_dir}" CACHE PATH "${doc}")
endfunction()

# Debian installs generators in /lib/systemd/..., Fedora in /usr/lib/systemd/...
dfg_systemd_dir(SYSTEMD_SYSTEM_GENERATOR_DIR systemdsystemgeneratordir
  lib/systemd/system-generators "Where systemd looks for system generators")
# tmpfiles.d(5) entries (the runtime directory's owner).
dfg_systemd_dir(SYSTEMD_TMPFILES_DIR tmpfilesdir lib/tmpfiles.d
  "Where systemd-tmpfiles looks for entries")

# The config lives in /etc even when the prefix is /usr (never /usr/etc).
set(DFG_SYSCONFDIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}")
if(NOT DFG_SYSCONFDIR STREQUAL "/etc")
  message(WARNING "The config will be installed to ${DFG_SYSCONFDIR}, but the programs read "
    "/etc/docker-firewall-guard.conf. Configure with -DCMAKE_INSTALL_PREFIX=/usr, as packages "
    "do, to install it there.")
endif()
