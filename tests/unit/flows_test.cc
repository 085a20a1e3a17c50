#include "flows.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recorded_conntrack.h"

namespace dfg {
namespace {

using test::parse_conntrack_line;

/// Docker's default bridge and a user-defined network masquerade; an internal one and one
/// with masquerading off do not; a macvlan network is not Docker's NAT at all.
DockerView networks() {
  DockerView view;
  view.networks = {
      {"b0", "bridge", "bridge", "docker0", {"172.17.0.0/16", "fd00:dead:beef::/64"}, false, true},
      {"a1", "appnet", "bridge", "br-a1", {"10.77.0.0/24"}, false, true},
      {"i0", "intnet", "bridge", "dfgint", {"10.78.0.0/24"}, true, true},
      {"r0", "routed", "bridge", "br-r0", {"10.79.0.0/24"}, false, false},
      {"m0", "lan", "macvlan", "", {"192.0.2.0/24"}, false, true},
      {"g0",
       "direct",
       "bridge",
       "br-g0",
       {"10.80.0.0/24", "fd00:80::/64"},
       false,
       true,
       "routed",
       "nat"},
  };
  return view;
}

constexpr ManagedFamilies both{true, true};

const std::vector<std::string> host_addresses{"127.0.0.1", "198.51.100.1", "172.17.0.1",
                                              "10.77.0.1", "::1"};

bool broken(const std::string& line) {
  return left_without_nat(parse_conntrack_line(line), masqueraded_subnets(networks(), both),
                          host_addresses);
}

TEST(Flows, OnlyMasqueradingBridgeNetworksCount) {
  EXPECT_THAT(masqueraded_subnets(networks(), both),
              ::testing::ElementsAre("172.17.0.0/16", "fd00:dead:beef::/64", "10.77.0.0/24",
                                     "fd00:80::/64"))
      << "a network in routed mode for IPv4 (Docker 28) masquerades IPv6 alone";
}

TEST(Flows, AFamilyDockerDoesNotTranslateIsLeftAlone) {
  // "ip6tables": false: Docker writes no IPv6 NAT, so its containers' IPv6 flows are routed
  // and every one would look untranslated.
  EXPECT_THAT(masqueraded_subnets(networks(), ManagedFamilies{true, false}),
              ::testing::ElementsAre("172.17.0.0/16", "10.77.0.0/24"));
  test::RecordedConntrack tracking;
  tracking.local = host_addresses;
  tracking.entries = {parse_conntrack_line(
      "tcp 6 431999 ESTABLISHED src=fd00:dead:beef::2 dst=2001:db8::9 sport=40000 dport=443 "
      "src=2001:db8::9 dst=fd00:dead:beef::2 sport=443 dport=40000 [ASSURED]")};
  EXPECT_EQ(clear_broken_flows(tracking, networks(), ManagedFamilies{true, false}).value(), 0u);
  EXPECT_EQ(clear_broken_flows(tracking, networks(), both).value(), 1u)
      << "the same flow where Docker translates IPv6";
}

TEST(Flows, AFlowThatLeftUntranslatedIsBroken) {
  // The first datagram left while nat was flushed: the reply direction mirrors it.
  EXPECT_TRUE(
      broken("udp      17 29 src=172.17.0.5 dst=198.51.100.2 sport=40001 dport=5300 [UNREPLIED] "
             "src=198.51.100.2 dst=172.17.0.5 sport=5300 dport=40001 mark=0 use=1"));
  EXPECT_TRUE(broken(
      "tcp      6 118 SYN_SENT src=10.77.0.2 dst=198.51.100.2 sport=51234 dport=80 [UNREPLIED] "
      "src=198.51.100.2 dst=10.77.0.2 sport=80 dport=51234 mark=0 use=1"));
  EXPECT_TRUE(broken(
      "udp      17 29 src=fd00:dead:beef::2 dst=2001:db8::1 sport=40001 dport=53 [UNREPLIED] "
      "src=2001:db8::1 dst=fd00:dead:beef::2 sport=53 dport=40001 mark=0 use=1"));
}

TEST(Flows, ATranslatedFlowIsKept) {
  // Masqueraded to the host's address: as Docker's rules make it.
  EXPECT_FALSE(
      broken("udp      17 29 src=172.17.0.5 dst=198.51.100.2 sport=40001 dport=5300 "
             "src=198.51.100.2 dst=198.51.100.1 sport=5300 dport=40001 mark=0 use=1"));
  // Masqueraded with its port changed too.
  EXPECT_FALSE(
      broken("udp      17 29 src=172.17.0.5 dst=198.51.100.2 sport=40001 dport=5300 "
             "src=198.51.100.2 dst=198.51.100.1 sport=5300 dport=1024 mark=0 use=1"));
  // From outside to a published port, through Docker's DNAT.
  EXPECT_FALSE(broken(
      "tcp      6 431999 ESTABLISHED src=198.51.100.2 dst=198.51.100.1 sport=40000 dport=8080 "
      "src=172.17.0.2 dst=198.51.100.2 sport=80 dport=40000 [ASSURED] mark=0 use=1"));
  // A container to another's published port on the host (hairpin DNAT).
  EXPECT_FALSE(
      broken("tcp      6 431999 ESTABLISHED src=10.77.0.2 dst=198.51.100.1 sport=40000 dport=8080 "
             "src=172.17.0.2 dst=10.77.0.2 sport=80 dport=40000 [ASSURED] mark=0 use=1"));
}

TEST(Flows, WhatNeverTakesDockersNatIsKept) {
  // Local to the bridge: another container, the gateway.
  EXPECT_FALSE(
      broken("tcp      6 431999 ESTABLISHED src=172.17.0.5 dst=172.17.0.2 sport=40000 dport=80 "
             "src=172.17.0.2 dst=172.17.0.5 sport=80 dport=40000 [ASSURED] mark=0 use=1"));
  // To one of the host's addresses: delivered here, never source-NATed.
  EXPECT_FALSE(
      broken("udp      17 29 src=172.17.0.5 dst=198.51.100.1 sport=40001 dport=53 "
             "src=198.51.100.1 dst=172.17.0.5 sport=53 dport=40001 mark=0 use=1"));
  // Networks without masquerading: internal, masquerade off, not a bridge.
  for (const auto* src : {"10.78.0.2", "10.79.0.2", "192.0.2.7"}) {
    EXPECT_FALSE(broken(std::string("udp 17 29 src=") + src + " dst=198.51.100.2 sport=1 dport=2 " +
                        "src=198.51.100.2 dst=" + src + " sport=2 dport=1 mark=0 use=1"))
        << src;
  }
  // The host's own traffic from a bridge's gateway address (IGMP, as recorded), and a
  // container's multicast and broadcast, which are never forwarded through NAT.
  EXPECT_FALSE(
      broken("unknown  2 587 src=172.17.0.1 dst=224.0.0.22 [UNREPLIED] "
             "src=224.0.0.22 dst=172.17.0.1 mark=0 use=1"));
  EXPECT_FALSE(
      broken("udp 17 29 src=172.17.0.5 dst=224.0.0.251 sport=5353 dport=5353 "
             "[UNREPLIED] src=224.0.0.251 dst=172.17.0.5 sport=5353 dport=5353"));
  EXPECT_FALSE(
      broken("udp 17 29 src=172.17.0.5 dst=255.255.255.255 sport=68 dport=67 "
             "[UNREPLIED] src=255.255.255.255 dst=172.17.0.5 sport=67 dport=68"));
  EXPECT_FALSE(
      broken("udp 17 29 src=fd00:dead:beef::2 dst=ff02::fb sport=5353 dport=5353 "
             "[UNREPLIED] src=ff02::fb dst=fd00:dead:beef::2 sport=5353 dport=5353"));
  // Not from a Docker network at all (the host's own traffic, another program's).
  EXPECT_FALSE(
      broken("udp      17 29 src=198.51.100.1 dst=198.51.100.2 sport=40001 dport=5300 "
             "src=198.51.100.2 dst=198.51.100.1 sport=5300 dport=40001 mark=0 use=1"));
  // ICMP (no ports) from a container, translated: kept; untranslated: broken.
  EXPECT_FALSE(
      broken("icmp     1 29 src=172.17.0.5 dst=198.51.100.2 type=8 code=0 id=7 "
             "src=198.51.100.2 dst=198.51.100.1 type=0 code=0 id=7 mark=0 use=1"));
  EXPECT_TRUE(
      broken("icmp     1 29 src=172.17.0.5 dst=198.51.100.2 type=8 code=0 id=7 [UNREPLIED] "
             "src=198.51.100.2 dst=172.17.0.5 type=0 code=0 id=7 mark=0 use=1"));
}

TEST(Flows, RecordedAfterARestartOnlyTheUntranslatedFlowsOfContainersGo) {
  test::RecordedConntrack tracking;
  tracking.load(std::string(DFG_TEST_DATA_DIR) +
                "/conntrack/docker-20.10-bookworm-restart.conntrack");
  tracking.local = {"127.0.0.1", "172.17.0.1", "198.51.100.1", "10.77.0.1", "10.78.0.1"};
  ASSERT_EQ(tracking.entries.size(), 71u);
  DockerView view;  // as the lab's dockerd held it: the default bridge, appnet, intnet
  view.networks = {{"b0", "bridge", "bridge", "docker0", {"172.17.0.0/16"}, false, true},
                   {"a1", "appnet", "bridge", "br-a1", {"10.77.0.0/24"}, false, true},
                   {"i0", "intnet", "bridge", "dfgint", {"10.78.0.0/24"}, true, true}};
  const auto cleared = clear_broken_flows(tracking, view, both);
  ASSERT_TRUE(cleared) << cleared.error();
  // The flow prober's two UDP flows and three SYNs that left while nat was flushed; not the
  // bridges' own IGMP, nor any masqueraded flow or connection to a published port.
  EXPECT_EQ(cleared.value(), 5u);
  for (const auto& flow : tracking.removed) {
    EXPECT_THAT(flow.orig_src, ::testing::AnyOf("172.17.0.3", "172.17.0.4"));
    EXPECT_EQ(flow.orig_dst, "198.51.100.2");
    EXPECT_EQ(flow.reply_dst, flow.orig_src);
  }
}

TEST(Flows, ClearDeletesOnlyTheBrokenOnesAndCounts) {
  test::RecordedConntrack tracking;
  tracking.local = host_addresses;
  tracking.entries = {
      parse_conntrack_line("udp 17 29 src=172.17.0.5 dst=198.51.100.2 sport=40001 dport=5300 "
                           "src=198.51.100.2 dst=172.17.0.5 sport=5300 dport=40001"),
      parse_conntrack_line("udp 17 29 src=172.17.0.5 dst=198.51.100.2 sport=40002 dport=5300 "
                           "src=198.51.100.2 dst=198.51.100.1 sport=5300 dport=40002")};
  const auto cleared = clear_broken_flows(tracking, networks(), both);
  ASSERT_TRUE(cleared) << cleared.error();
  EXPECT_EQ(cleared.value(), 1u);
  ASSERT_EQ(tracking.entries.size(), 1u);
  EXPECT_EQ(tracking.entries[0].orig_sport, 40002);
}

TEST(Flows, WithoutAMasqueradingNetworkNothingIsListed) {
  test::RecordedConntrack tracking;
  EXPECT_EQ(clear_broken_flows(tracking, DockerView{}, both).value(), 0u);
  EXPECT_EQ(tracking.dumps, 0) << "no dump of the whole table for nothing";
}

}  // namespace
}  // namespace dfg
