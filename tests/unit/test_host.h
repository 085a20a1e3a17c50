#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fake_locks.h"
#include "fake_runner.h"
#include "fake_systemd.h"
#include "host.h"
#include "host_checks.h"
#include "proc_files.h"
#include "recorded_conntrack.h"

namespace dfg::test {

/// Keeps every entry instead of sending it; stdout is never the journal's.
class RecordingJournal : public Journal {
 public:
  std::vector<JournalEntry> entries;
  void send(const JournalEntry& entry) override { entries.push_back(entry); }
  bool holds_stdout() const override { return false; }
};

/// A clock that moves only when slept on: waits cost no time and ages are exact.
class FakeClock : public Clock {
 public:
  std::uint64_t boot = 3'600'000;  ///< an hour after boot
  std::chrono::steady_clock::time_point steady{};
  std::chrono::milliseconds slept{0};

  std::uint64_t boot_ms() override { return boot; }
  std::chrono::steady_clock::time_point now() override { return steady; }
  std::chrono::steady_clock::time_point started() override { return {}; }
  void sleep_for(std::chrono::milliseconds d) override {
    steady += d;
    boot += static_cast<std::uint64_t>(d.count());
    slept += d;
  }
};

/// dockerd's Engine API as recorded: an answer per path, anything else 404. By default a
/// dockerd that holds nothing (no container, no network).
class RecordedDockerEngine : public DockerEngine {
 public:
  std::map<std::string, Expected<std::string>> answers{{"/containers/json", std::string("[]")},
                                                       {"/networks", std::string("[]")}};
  std::vector<std::string> asked;
  std::vector<std::string> sockets;  ///< where each was asked
  Expected<std::string> get(const std::string& socket, const std::string& path,
                            std::chrono::milliseconds) override {
    asked.push_back(path);
    sockets.push_back(socket);
    const auto it = answers.find(path);
    if (it == answers.end()) return fail("GET " + path + ": HTTP status 404");
    return it->second;
  }
};

/// A Host on a temporary root: the test's runner and systemd, /proc under the root (system/'s
/// own, on the test's files), the refusals as the command makes them, a recording journal, a
/// fake clock and locks that wait on it, output captured.
struct TestHost {
  TestHost(const std::string& root, ProcessRunner& runner,
           std::function<Expected<std::unique_ptr<Systemd>>()> connect)
      : processes(root),
        locks(clock),
        host{root,
             runner,
             processes,
             journal,
             clock,
             locks,
             docker,
             conntrack,
             out,
             err,
             std::move(connect),
             [root] { return why_not_act(root); },
             {},
             {}} {}
  TestHost(const TestHost&) = delete;

  ProcFiles processes;
  RecordingJournal journal;
  FakeClock clock;
  FakeLocks locks;
  RecordedDockerEngine docker;
  RecordedConntrack conntrack;
  std::ostringstream out, err;
  Host host;
};

/// Docker running, its IPv4 rules flushed until something restarts it.
inline void flush_until_docker_restarts(FakeRunner& runner, FakeSystemd& systemd) {
  runner.results["iptables filter"] = exited(1);
  systemd.add("docker.service");
  systemd.on_restart = [&runner] { runner.results.erase("iptables filter"); };
}

}  // namespace dfg::test
