#pragma once

#include <iostream>
#include <string>

#include "curl_docker_engine.h"
#include "host.h"
#include "netfilter_conntrack.h"
#include "proc_files.h"
#include "run_lock.h"
#include "sd_journal.h"
#include "spawn_runner.h"
#include "system_clock.h"

namespace dfg {

/// The real machine behind Host, the one place that assembles it: posix_spawn, /proc,
/// sd-journal, the real clocks, flock(2), libcurl, libnetfilter_conntrack, sd-bus, the
/// refusals and the network namespace of host_checks.h and the quiet deadline of deadline.h,
/// with files read under `root` ("/" but in the lab's tests of a fake root).
class SystemHost {
 public:
  explicit SystemHost(std::string root, std::ostream& out = std::cout,
                      std::ostream& err = std::cerr);
  SystemHost(const SystemHost&) = delete;
  SystemHost& operator=(const SystemHost&) = delete;

  Host& host() { return m_host; }

 private:
  SpawnRunner m_runner;
  ProcFiles m_processes;
  SdJournal m_journal;
  SystemClock m_clock;
  FlockLocks m_locks;
  CurlDockerEngine m_docker;
  NetfilterConntrack m_conntrack;
  Host m_host;
};

}  // namespace dfg
