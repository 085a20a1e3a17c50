// Stands first on the include path of core/ and guard/ (CONTRIBUTING.md, "Layout").
#error "<spawn.h>: core/ and guard/ never run processes; use guard/process_runner.h (system/ implements it)"
