// Stands first on the include path of core/ and guard/ (CONTRIBUTING.md, "Layout").
#error "<sys/file.h>: core/ and guard/ never take locks; use guard/locks.h (system/ implements it)"
