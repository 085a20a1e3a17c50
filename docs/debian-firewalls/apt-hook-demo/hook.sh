#!/bin/sh
# records what apt sends to a Pre-Install-Pkgs hook (VERSION line, package lines; config dump counted only)
{ echo "APT_HOOK_INFO_FD=$APT_HOOK_INFO_FD DPKG_FRONTEND_LOCKED=$DPKG_FRONTEND_LOCKED"; awk 'NR==1{print; next} /^$/{cfg=1; print "[config lines: " n "]"; next} !cfg{n++; next} {print}' ; } > /tmp/apthook/seen.txt
exit 0
