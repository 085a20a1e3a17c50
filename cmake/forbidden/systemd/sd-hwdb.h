// Stands first on the include path of core/ and guard/, so that the build refuses there what
// belongs in system/ (CONTRIBUTING.md, "Layout").
#error "<systemd/sd-hwdb.h>: core/ and guard/ never talk to systemd or the journal; do it in system/ behind an interface of guard/"
