#pragma once

#include <systemd/sd-bus.h>

#include <memory>

#include "systemd.h"

namespace dfg {

struct SdBusUnref {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using SdBusPtr = std::unique_ptr<sd_bus, SdBusUnref>;

/// systemd over the system bus (sd-bus). Never runs systemctl.
class SdBusSystemd : public Systemd {
 public:
  /// As root, connects to systemd's private socket, as systemctl does: PID 1 answers there
  /// without dbus-daemon, so also early at boot, where a firewall's companions run. Else (or
  /// when that fails) the system bus; an error when there is none (no systemd running, a
  /// chroot, a container without it).
  static Expected<std::unique_ptr<SdBusSystemd>> connect();

  Expected<UnitStatus> unit(const std::string& name) override;
  Expected<std::string> system_state() override;
  Expected<Ok> reset_failed(const std::string& name) override;
  Expected<std::string> try_restart(const std::string& name,
                                    std::chrono::milliseconds timeout) override;
  Expected<Ok> wait_until_idle(const std::string& name, std::chrono::milliseconds timeout) override;

 private:
  SdBusSystemd(SdBusPtr bus, bool direct) : m_bus(std::move(bus)), m_direct(direct) {}
  Expected<std::string> unit_path(const std::string& name);

  SdBusPtr m_bus;
  bool m_direct;  ///< on the private socket: messages carry no sender to match
};

}  // namespace dfg
