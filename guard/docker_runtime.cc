#include "docker_runtime.h"

#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <cstdlib>

#include "dockerd_flags.h"
#include "fs.h"
#include "runtime_dir.h"
#include "unit_files.h"

namespace dfg {

DockerSettingsResult docker_settings(Processes& processes, std::string_view root,
                                     const std::string& service, std::uint32_t main_pid) {
  if (main_pid != 0) {
    const auto cmdline = processes.cmdline(main_pid);
    if (cmdline && !cmdline.value().empty())
      return docker_settings_from_cmdline(root, cmdline.value(), service);
  }
  return read_docker_settings(root, UnitFiles(std::string(root)), service);
}

std::optional<int> parse_dockerd_major(std::string_view text) {
  constexpr std::string_view marker = "version ";
  const auto at = text.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  int major = 0;
  std::size_t i = at + marker.size(), digits = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 4;
       ++i, ++digits) {
    major = major * 10 + (text[i] - '0');
  }
  if (digits == 0 || digits == 4 || i >= text.size() || text[i] != '.') return std::nullopt;
  return major;
}

std::optional<int> dockerd_major(ProcessRunner& runner, std::string_view root) {
  std::string binary;
  struct stat st {};
  for (const char* path :
       {"/usr/bin/dockerd", "/usr/sbin/dockerd", "/bin/dockerd", "/sbin/dockerd"}) {
    if (stat(join_root(root, path).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      binary = path;
      break;
    }
  }
  if (binary.empty()) return std::nullopt;
  const std::string key = binary + " " + std::to_string(st.st_dev) + ":" +
                          std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
                          std::to_string(st.st_mtime);
  const std::string dir = join_root(root, runtime::dir);
  const std::string cache = join_root(root, runtime::dockerd_version);
  if (const auto cached = read_file(cache); cached && cached.value().rfind(key + " ", 0) == 0) {
    const auto major = std::strtol(cached.value().c_str() + key.size() + 1, nullptr, 10);
    if (major > 0 && major < 1000) return static_cast<int>(major);
  }
  const auto run = runner.run({binary, "--version"}, std::chrono::seconds(5));
  if (!run.started || run.timed_out || run.exit_code != 0) return std::nullopt;
  const auto major = parse_dockerd_major(run.out);
  // Best effort: without /run (or as non-root) the next call asks dockerd again.
  if (major && make_directory(dir, runtime::dir_mode))
    (void)write_file_atomic(dir, cache.substr(dir.size() + 1),
                            key + " " + std::to_string(*major) + "\n");
  return major;
}

ManagedFamilies managed_families(const DockerSettings& settings, std::optional<int> major) {
  ManagedFamilies families;
  if (settings.firewall_backend != "iptables") {
    // Docker's rules are in nftables tables of its own: nothing of them to check or keep yet.
    families.ipv4 = families.ipv6 = false;
    return families;
  }
  families.ipv4 = settings.iptables;
  // Independent of "iptables": Docker 28 with "iptables": false still writes its ip6tables
  // rules (seen in the lab on forky).
  families.ipv6 = settings.ip6tables.value_or(major && *major >= 27);
  return families;
}

ManagedFamilies families_to_check(ProcessRunner& runner, std::string_view root,
                                  const DockerSettings& settings) {
  const bool ask = !settings.ip6tables && settings.firewall_backend == "iptables";
  return managed_families(settings, ask ? dockerd_major(runner, root) : std::nullopt);
}

}  // namespace dfg
