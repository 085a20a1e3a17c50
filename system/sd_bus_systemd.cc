#include "sd_bus_systemd.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <thread>

#include <unistd.h>

#include "fs.h"

namespace dfg {
namespace {

constexpr const char* destination = "org.freedesktop.systemd1";
constexpr const char* manager_path = "/org/freedesktop/systemd1";
constexpr const char* manager_iface = "org.freedesktop.systemd1.Manager";
constexpr const char* unit_iface = "org.freedesktop.systemd1.Unit";
constexpr const char* service_iface = "org.freedesktop.systemd1.Service";
constexpr const char* job_iface = "org.freedesktop.systemd1.Job";

/// An sd_bus_error freed on scope exit.
struct BusError {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  BusError() = default;
  ~BusError() { sd_bus_error_free(&error); }
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
};

struct MessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

struct SlotUnref {
  void operator()(sd_bus_slot* s) const { sd_bus_slot_unref(s); }
};
using SlotPtr = std::unique_ptr<sd_bus_slot, SlotUnref>;

/// "WHAT: reason", the reason from D-Bus when it gave one, else from errno.
std::string failure(const std::string& what, int r, const BusError& e) {
  if (sd_bus_error_is_set(&e.error) && e.error.message != nullptr)
    return what + ": " + e.error.message;
  return what + ": " + std::strerror(-r);
}

Expected<std::string> get_string(sd_bus* bus, const char* path, const char* iface,
                                 const char* property) {
  BusError e;
  char* value = nullptr;
  const int r =
      sd_bus_get_property_string(bus, destination, path, iface, property, &e.error, &value);
  if (r < 0) return fail(failure(std::string("reading ") + property, r, e));
  std::string out = value != nullptr ? value : "";
  std::free(value);
  return out;
}

template <typename T>
Expected<T> get_trivial(sd_bus* bus, const char* path, const char* iface, const char* property,
                        char type) {
  BusError e;
  T value{};
  const int r =
      sd_bus_get_property_trivial(bus, destination, path, iface, property, &e.error, type, &value);
  if (r < 0) return fail(failure(std::string("reading ") + property, r, e));
  return value;
}

Expected<std::vector<std::string>> get_strv(sd_bus* bus, const char* path, const char* property) {
  BusError e;
  char** list = nullptr;
  const int r =
      sd_bus_get_property_strv(bus, destination, path, unit_iface, property, &e.error, &list);
  if (r < 0) {
    return fail(failure(std::string("reading ") + property, r, e));
  }
  std::vector<std::string> out;
  for (char** p = list; p != nullptr && *p != nullptr; ++p) {
    out.emplace_back(*p);
    std::free(*p);
  }
  std::free(list);
  return out;
}

/// The type of the job queued for the unit at `path` ("restart", ...), or "" when none.
std::string queued_job_type(sd_bus* bus, const char* path) {
  BusError e;
  sd_bus_message* raw = nullptr;
  if (sd_bus_get_property(bus, destination, path, unit_iface, "Job", &e.error, &raw, "(uo)") < 0)
    return {};
  MessagePtr reply(raw);
  std::uint32_t id = 0;
  const char* job_path = nullptr;
  if (sd_bus_message_read(reply.get(), "(uo)", &id, &job_path) < 0 || id == 0) return {};
  // The job may finish between the two reads: then there is none.
  return get_string(bus, job_path, job_iface, "JobType").value_or("");
}

int on_job_removed(sd_bus_message* message, void* userdata, sd_bus_error*) {
  auto* removed = static_cast<std::map<std::string, std::string>*>(userdata);
  std::uint32_t id = 0;
  const char *path = nullptr, *unit = nullptr, *result = nullptr;
  if (sd_bus_message_read(message, "uoss", &id, &path, &unit, &result) >= 0)
    (*removed)[path] = result;
  return 0;
}

}  // namespace

Expected<std::unique_ptr<SdBusSystemd>> SdBusSystemd::connect() {
  sd_bus* raw = nullptr;
  if (geteuid() == 0 && sd_bus_new(&raw) >= 0) {
    SdBusPtr bus(raw);
    if (sd_bus_set_address(raw, "unix:path=/run/systemd/private") >= 0 && sd_bus_start(raw) >= 0)
      return std::unique_ptr<SdBusSystemd>(new SdBusSystemd(std::move(bus), true));
    raw = nullptr;
  }
  const int r = sd_bus_open_system(&raw);
  if (r < 0) {
    return fail(std::string("connecting to the system bus: ") + std::strerror(-r));
  }
  return std::unique_ptr<SdBusSystemd>(new SdBusSystemd(SdBusPtr(raw), false));
}

Expected<std::string> SdBusSystemd::unit_path(const std::string& name) {
  BusError e;
  sd_bus_message* raw = nullptr;
  int r = sd_bus_call_method(m_bus.get(), destination, manager_path, manager_iface, "LoadUnit",
                             &e.error, &raw, "s", name.c_str());
  if (r < 0) return fail(failure("loading " + name, r, e));
  MessagePtr reply(raw);
  const char* path = nullptr;
  r = sd_bus_message_read(reply.get(), "o", &path);
  if (r < 0) return fail(failure("loading " + name, r, e));
  return std::string(path);
}

Expected<UnitStatus> SdBusSystemd::unit(const std::string& name) {
  const auto path = unit_path(name);
  if (!path) return fail(path);
  sd_bus* bus = m_bus.get();
  const char* p = path.value().c_str();
  UnitStatus s;
  // Any property that cannot be read fails the whole: callers decide on complete facts.
  std::string problem;
  auto take = [&problem](auto result, auto& into) {
    if (!problem.empty()) return;
    if (result) {
      into = std::move(result).value();
    } else {
      problem = result.error();
    }
  };
  take(get_string(bus, p, unit_iface, "LoadState"), s.load_state);
  take(get_string(bus, p, unit_iface, "ActiveState"), s.active_state);
  take(get_string(bus, p, unit_iface, "SubState"), s.sub_state);
  take(get_strv(bus, p, "DropInPaths"), s.drop_in_paths);
  take(get_strv(bus, p, "Requires"), s.requires_units);
  take(get_strv(bus, p, "PartOf"), s.part_of);
  take(get_strv(bus, p, "After"), s.after);
  if (ends_with(name, ".service") && s.load_state == "loaded")
    take(get_trivial<std::uint32_t>(bus, p, service_iface, "MainPID", 'u'), s.main_pid);
  if (!problem.empty()) return fail(name + ": " + problem);
  s.job_type = queued_job_type(bus, p);
  return s;
}

Expected<std::string> SdBusSystemd::system_state() {
  return get_string(m_bus.get(), manager_path, manager_iface, "SystemState");
}

Expected<Ok> SdBusSystemd::reset_failed(const std::string& name) {
  BusError e;
  const int r = sd_bus_call_method(m_bus.get(), destination, manager_path, manager_iface,
                                   "ResetFailedUnit", &e.error, nullptr, "s", name.c_str());
  if (r < 0) return fail(failure("reset-failed " + name, r, e));
  return Ok{};
}

Expected<std::string> SdBusSystemd::try_restart(const std::string& name,
                                                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  sd_bus* bus = m_bus.get();
  // systemd sends JobRemoved only to subscribers. The match is in place before the job is
  // queued, so its signal cannot be missed however fast the job ends.
  std::map<std::string, std::string> removed;
  sd_bus_slot* raw_slot = nullptr;
  int r = sd_bus_match_signal(bus, &raw_slot, m_direct ? nullptr : destination, manager_path,
                              manager_iface, "JobRemoved", on_job_removed, &removed);
  if (r < 0) {
    return fail(std::string("watching systemd's jobs: ") + std::strerror(-r));
  }
  SlotPtr slot(raw_slot);
  {
    BusError e;
    r = sd_bus_call_method(bus, destination, manager_path, manager_iface, "Subscribe", &e.error,
                           nullptr, "");
    // A second Subscribe on one connection is refused; the first one holds.
    if (r < 0 && !sd_bus_error_has_name(&e.error, "org.freedesktop.systemd1.AlreadySubscribed"))
      return fail(failure("subscribing to systemd's signals", r, e));
  }

  BusError e;
  sd_bus_message* raw = nullptr;
  r = sd_bus_call_method(bus, destination, manager_path, manager_iface, "TryRestartUnit", &e.error,
                         &raw, "ss", name.c_str(), "replace");
  if (r < 0) return fail(failure("try-restart " + name, r, e));
  MessagePtr reply(raw);
  const char* job = nullptr;
  r = sd_bus_message_read(reply.get(), "o", &job);
  if (r < 0) return fail(failure("try-restart " + name, r, e));
  const std::string job_path = job;
  if (timeout.count() == 0) return std::string("queued");

  for (;;) {
    const auto it = removed.find(job_path);
    if (it != removed.end()) return it->second;
    r = sd_bus_process(bus, nullptr);
    if (r < 0) {
      return fail("waiting for the restart of " + name + ": " + std::strerror(-r));
    }
    if (r > 0) continue;  // more may be queued
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return fail(
          "the restart of " + name + " did not finish within " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s");
    }
    r = sd_bus_wait(bus, static_cast<std::uint64_t>(left.count()));
    if (r < 0 && r != -EINTR) {
      return fail("waiting for the restart of " + name + ": " + std::strerror(-r));
    }
  }
}

Expected<Ok> SdBusSystemd::wait_until_idle(const std::string& name,
                                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto path = unit_path(name);
  if (!path) return fail(path);
  while (!queued_job_type(m_bus.get(), path.value().c_str()).empty()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return fail(name + ": a job is still queued after " + std::to_string(timeout.count()) +
                  " ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Ok{};
}

}  // namespace dfg
