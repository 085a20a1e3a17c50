#include "dockerd_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "temp_root.h"

namespace dfg {
namespace {

using ::testing::ElementsAre;

TEST(DockerdFlags, ReadsTheFlagsTheGuardCaresAbout) {
  auto f = parse_dockerd_args({"/usr/bin/dockerd", "-H", "fd://", "--iptables=false",
                               "--live-restore", "--config-file", "/etc/docker/alt.json"});
  EXPECT_EQ(f.iptables, false);
  EXPECT_FALSE(f.ip6tables.has_value());
  EXPECT_EQ(f.live_restore, true);
  EXPECT_EQ(f.config_file, "/etc/docker/alt.json");

  f = parse_dockerd_args({"--ip6tables=0", "--iptables=True", "--config-file=/x.json"});
  EXPECT_EQ(f.iptables, true);
  EXPECT_EQ(f.ip6tables, false);
  EXPECT_EQ(f.config_file, "/x.json");
  // A boolean flag takes no separate value: "--iptables false" is --iptables, then an argument.
  EXPECT_EQ(parse_dockerd_args({"--iptables", "false"}).iptables, true);
  EXPECT_FALSE(parse_dockerd_args({"--iptables=maybe"}).iptables.has_value());
  EXPECT_FALSE(parse_dockerd_args({"--iptablesx=false", "-iptables=false"}).iptables.has_value());
  EXPECT_EQ(parse_dockerd_args({"--firewall-backend", "nftables"}).firewall_backend, "nftables");
  EXPECT_EQ(parse_dockerd_args({"--firewall-backend=nftables"}).firewall_backend, "nftables");
}

TEST(DockerdFlags, FindTheSocketDockerdsApiAnswersOn) {
  EXPECT_THAT(parse_dockerd_args({"-H", "fd://", "--host=tcp://0.0.0.0:2375", "-Hunix:///a.sock",
                                  "-H=unix:///b.sock", "--host", "unix:///c.sock"})
                  .hosts,
              ElementsAre("fd://", "tcp://0.0.0.0:2375", "unix:///a.sock", "unix:///b.sock",
                          "unix:///c.sock"));
  test::TempRoot root;
  auto socket_of = [&](const char* cmdline, std::size_t size) {
    return docker_settings_from_cmdline(root.path(), std::string(cmdline, size), "docker.service")
        .settings;
  };
  const char plain[] = "/usr/bin/dockerd\0--iptables=true\0";
  EXPECT_EQ(socket_of(plain, sizeof plain - 1).api_socket, "/run/docker.sock");
  const char tcp_first[] = "dockerd\0-H\0tcp://127.0.0.1:2375\0-H\0unix:///srv/d.sock\0";
  const auto settings = socket_of(tcp_first, sizeof tcp_first - 1);
  EXPECT_EQ(settings.api_socket, "/srv/d.sock");
  EXPECT_EQ(settings.api_socket_origin, "dockerd's -H flag");
  const char tcp_only[] = "dockerd\0-H\0tcp://127.0.0.1:2375\0";
  EXPECT_EQ(socket_of(tcp_only, sizeof tcp_only - 1).api_socket, "") << "none to ask";
  // Socket activation: where docker.socket listens (its last ListenStream= list).
  const char activated[] = "dockerd\0-H\0fd://\0";
  EXPECT_EQ(socket_of(activated, sizeof activated - 1).api_socket, "/run/docker.sock");
  root.write("/usr/lib/systemd/system/docker.socket",
             "[Unit]\nDescription=x\n[Socket]\nListenStream=/run/old.sock\nListenStream=\n"
             "ListenStream=/run/activated.sock\nSocketMode=0660\n");
  EXPECT_EQ(socket_of(activated, sizeof activated - 1).api_socket, "/run/activated.sock");
  // An override (systemctl edit docker.socket) resets the list and names another.
  root.write("/etc/systemd/system/docker.socket.d/override.conf",
             "[Socket]\nListenStream=\nListenStream=/srv/override.sock\n");
  EXPECT_EQ(socket_of(activated, sizeof activated - 1).api_socket, "/srv/override.sock");
  // daemon.json's "hosts", when no flag says.
  root.write("/etc/docker/daemon.json", R"({"hosts": ["tcp://0.0.0.0:2376", "unix:///j.sock"]})");
  EXPECT_EQ(socket_of(plain, sizeof plain - 1).api_socket, "/j.sock");
  EXPECT_EQ(socket_of(plain, sizeof plain - 1).api_socket_origin, "/etc/docker/daemon.json");
  root.write("/etc/docker/daemon.json", R"({"hosts": "unix:///j.sock"})");
  EXPECT_THAT(docker_settings_from_cmdline(root.path(), std::string(plain, sizeof plain - 1),
                                           "docker.service")
                  .warning,
              ::testing::HasSubstr("\"hosts\" is not a list of strings"));
}

TEST(DockerdFlags, SplitsExecStartAsSystemdDoes) {
  const std::vector<std::string> env = {"OPTIONS=--selinux-enabled  --iptables=false", "ONE=a b"};
  EXPECT_THAT(
      split_exec_line("-/usr/bin/dockerd -H fd:// $OPTIONS", env),
      ElementsAre("/usr/bin/dockerd", "-H", "fd://", "--selinux-enabled", "--iptables=false"));
  EXPECT_THAT(split_exec_line("dockerd --label=${ONE} $UNSET \"x y\" 'p q' a\\ b", env),
              ElementsAre("dockerd", "--label=a b", "x y", "p q", "a b"));
}

TEST(DockerdFlags, ExecStartComesFromTheFragmentAndDropInsInOrder) {
  test::TempRoot root;
  root.write("/usr/lib/systemd/system/docker.service",
             "[Service]\nType=notify\nExecStart=/usr/bin/dockerd -H fd://\n");
  const UnitFiles units(root.path());
  EXPECT_THAT(docker_exec_start(root.path(), units, "docker.service"),
              ElementsAre("/usr/bin/dockerd", "-H", "fd://"));

  root.write("/etc/systemd/system/docker.service.d/20-flags.conf",
             "[Unit]\nExecStart=/ignored\n[Service]\nEnvironmentFile=-/etc/sysconfig/docker\n"
             "ExecStart=\nExecStart=/usr/bin/dockerd \\\n  $OPTIONS\n");
  root.write("/etc/sysconfig/docker", "# comment\nOPTIONS='--iptables=false --live-restore'\n");
  EXPECT_THAT(docker_exec_start(root.path(), units, "docker.service"),
              ElementsAre("/usr/bin/dockerd", "--iptables=false", "--live-restore"));

  // A later drop-in (by name) wins; the same name in /etc hides the one in /usr/lib.
  root.write("/usr/lib/systemd/system/docker.service.d/30-vendor.conf",
             "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --vendor\n");
  root.write("/etc/systemd/system/docker.service.d/30-vendor.conf", "[Service]\n");
  EXPECT_THAT(docker_exec_start(root.path(), units, "docker.service"),
              ElementsAre("/usr/bin/dockerd", "--iptables=false", "--live-restore"));
  EXPECT_TRUE(docker_exec_start(root.path(), units, "podman.service").empty());
}

TEST(DockerdFlags, AFlagWinsOverDaemonJsonAndNamesItsConfigFile) {
  test::TempRoot root;
  root.write("/usr/lib/systemd/system/docker.service",
             "[Service]\nExecStart=/usr/bin/dockerd --config-file=/etc/docker/alt.json "
             "--ip6tables=false\n");
  root.write("/etc/docker/daemon.json", R"({"iptables": false})");
  root.write("/etc/docker/alt.json", R"({"live-restore": true})");
  const auto r = read_docker_settings(root.path(), UnitFiles(root.path()), "docker.service");
  EXPECT_TRUE(r.settings.iptables) << "/etc/docker/daemon.json is not the file dockerd reads";
  EXPECT_TRUE(r.settings.live_restore);
  EXPECT_EQ(r.settings.ip6tables, false);

  const char raw[] = "/usr/bin/dockerd\0-H\0fd://\0--iptables=false\0";
  const std::string cmdline(raw, sizeof raw - 1);  // /proc/PID/cmdline: NUL after each
  const auto running = docker_settings_from_cmdline(root.path(), cmdline, "docker.service");
  EXPECT_FALSE(running.settings.iptables);
  EXPECT_EQ(running.settings.iptables_origin, "dockerd's --iptables flag");
}

}  // namespace
}  // namespace dfg
