#pragma once

#include <string>
#include <vector>

#include "exit_status.h"
#include "host_view.h"

namespace dfg {

/// `check`: are Docker's rules present? One line on stdout; Ok (present, or Docker manages
/// no rules), Problem (flushed), Unknown (could not tell). Never asks systemd, so that it runs
/// anywhere: Docker's settings come from its service's files (DockerdSource::ServiceFiles).
ExitStatus run_check(Host& host);

/// `config [--check]`: prints the configuration in effect with the file each value came
/// from, problems on stderr (Ok). With `check_only`, prints only the problems, each as
/// "FILE: [section] key: problem", and returns Config when there is any.
ExitStatus run_config(HostView& view, bool check_only);

/// `restart-docker [--dry-run]` (alias `reconcile`): restarts the guarded service once when
/// its rules are gone, by the rules of restart.h; one line on stdout and in the journal.
/// Refuses, with the reason, in a chroot, during an offline update or without systemd
/// (Unknown). Holds restart-docker's lock, so concurrent runs take turns. `dry_run` adds to
/// the config's dry-run.
ExitStatus run_restart(HostView& view, bool dry_run);

/// What the package hooks pass to `after-transaction`.
struct TransactionReport {
  std::vector<std::string> changed;     ///< "NAME:ACTION" values (dnf plugin, rpm triggers)
  std::vector<std::string> unit_files;  ///< paths a transaction wrote or removed (file trigger)
  bool dry_run = false;
  bool no_block = false;  ///< queue a restart, do not wait for it (inside rpm's transaction)
};

/// `after-transaction --changed NAME:ACTION... | --unit-files PATH...`: what the package
/// hooks call. When a package of [hook] packages was upgraded, downgraded, reinstalled or
/// removed, or a [guard] firewall's unit file was written or removed (and the hooks are on),
/// restarts Docker as `restart-docker` does, only reporting with [hook] action = report; prints a
/// line only for what was done or found wrong. Silent otherwise. Ok whatever happens; Usage for a
/// malformed --changed value, named.
ExitStatus run_after_transaction(HostView& view, const TransactionReport& report);

/// `snapshot --firewall UNIT [--before-stop]` (strategy reconcile's firewall drop-in and
/// companion units, just before UNIT flushes): saves Docker's part of the tables UNIT flushes under
/// runtime::snapshot_dir, when Docker runs, its rules are all there and the snapshot will be put
/// back in this cycle (the after-unit runs; with --before-stop, UNIT's stop or restart is pending);
/// otherwise keeps what this cycle saved before. Ok but when it could not save (Unknown); Usage for
/// a bad unit name.
ExitStatus run_snapshot(HostView& view, const std::string& firewall, bool before_stop);

/// `clear-flows` (after every start of Docker, its drop-in's ExecStartPost=): deletes the
/// connection-tracking entries of connections that left while Docker's NAT rules were gone
/// (clear_broken_flows, for the networks dockerd holds). One line; journaled when it deleted any
/// or failed. Ok, or Unknown when dockerd or connection tracking did not answer. Docker's
/// settings come from its service's files (DockerdSource::ServiceFiles).
ExitStatus run_clear_flows(Host& host);

/// `restore --firewall UNIT [--in-job]` (inside UNIT's own job with --in-job: right after
/// its start and reload commands, and in its ExecStopPost= right after its flush, a
/// restart's stop included): puts the snapshot back (kept for the next restore when it went
/// back, else removed when the run ends) when it is of this dockerd and no older than
/// [hook] timeout, fitted to what changed in what dockerd holds since it was taken (rules
/// naming containers' addresses held back while dockerd does not answer), and checks with the
/// canary, asking dockerd again for up to view_settle while they disagree; otherwise, when
/// it cannot take its turn, or when the rules are still gone, falls back to restart-docker's
/// rules (without waiting, in the firewall's job). One journal entry per restore and per
/// fallback that acted (restore_event.h). Ok whatever happened; Usage for a bad name.
ExitStatus run_restore(HostView& view, const std::string& firewall, bool in_job);

/// `status [--json]`: whether Docker is protected and why, the config and its problems, what
/// systemd loaded for the guarded service, the firewall units, the canary, live-restore and
/// advice; as text or one JSON object. Exit as exit_status(StatusReport) says.
ExitStatus run_status(HostView& view, bool json);

}  // namespace dfg
