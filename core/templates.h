#pragma once

/// Texts from templates/, compiled in by cmake/EmbedTemplates.cmake so that nothing reads
/// templates at run time. Placeholders look like @NAME@.
namespace dfg::templates {

extern const char* const dropin_header;     ///< @CONFIG@: comment lines naming the config files
extern const char* const dropin_requires;   ///< @FIREWALLS@: space-separated units, @COMMAND@
extern const char* const dropin_partof;     ///< @FIREWALLS@: space-separated units, @COMMAND@
extern const char* const dropin_firewall;   ///< @SERVICES@, @STRATEGY@: for each firewall to bind
extern const char* const dropin_reconcile;  ///< @FIREWALLS@: space-separated units, @COMMAND@
/// For each firewall to bind with strategy reconcile: @BEFORE@, @AFTER@ (its companions),
/// @COMMAND@ (the command's path), @FIREWALL@, @EXEC_RELOAD@ (its ExecReload= line)
extern const char* const dropin_firewall_reconcile;
/// The companion units: @FIREWALL@, @AFTER@, @COMMAND@, @TIMEOUT@ (seconds)
extern const char* const companion_before;
extern const char* const companion_after;
extern const char* const docker_firewall_guard;  ///< the default, commented config file

}  // namespace dfg::templates
