#include "netfilter_conntrack.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dfg {
namespace {

struct CloseHandle {
  void operator()(nfct_handle* h) const { nfct_close(h); }
};
struct DestroyEntry {
  void operator()(nf_conntrack* ct) const { nfct_destroy(ct); }
};
using Handle = std::unique_ptr<nfct_handle, CloseHandle>;
using Entry = std::unique_ptr<nf_conntrack, DestroyEntry>;

std::string address_text(int family, const void* bytes) {
  char text[INET6_ADDRSTRLEN] = {};
  return inet_ntop(family, bytes, text, sizeof text) != nullptr ? text : "";
}

std::string address(const nf_conntrack* ct, Family family, nf_conntrack_attr v4,
                    nf_conntrack_attr v6) {
  if (family == Family::IPv6) return address_text(AF_INET6, nfct_get_attr(ct, v6));
  const std::uint32_t a = nfct_get_attr_u32(ct, v4);
  return address_text(AF_INET, &a);
}

std::uint16_t port(const nf_conntrack* ct, nf_conntrack_attr attr) {
  return nfct_attr_is_set(ct, attr) > 0 ? ntohs(nfct_get_attr_u16(ct, attr)) : 0;
}

TrackedFlow to_flow(const nf_conntrack* ct) {
  TrackedFlow flow;
  flow.family = nfct_get_attr_u8(ct, ATTR_L3PROTO) == AF_INET6 ? Family::IPv6 : Family::IPv4;
  flow.orig_src = address(ct, flow.family, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC);
  flow.orig_dst = address(ct, flow.family, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST);
  flow.reply_src = address(ct, flow.family, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC);
  flow.reply_dst = address(ct, flow.family, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST);
  flow.orig_sport = port(ct, ATTR_ORIG_PORT_SRC);
  flow.orig_dport = port(ct, ATTR_ORIG_PORT_DST);
  flow.reply_sport = port(ct, ATTR_REPL_PORT_SRC);
  flow.reply_dport = port(ct, ATTR_REPL_PORT_DST);
  return flow;
}

/// What the dump's callback collects: the entries judged broken, kept (NFCT_CB_STOLEN).
struct Dump {
  const std::function<bool(const TrackedFlow&)>* broken;
  std::vector<Entry> doomed;
};

int on_entry(nf_conntrack_msg_type, nf_conntrack* ct, void* data) noexcept {
  auto& dump = *static_cast<Dump*>(data);
  try {
    if (!(*dump.broken)(to_flow(ct))) return NFCT_CB_CONTINUE;
    dump.doomed.emplace_back(ct);
    return NFCT_CB_STOLEN;
  } catch (...) {  // never across the C library; the entry stays
    return NFCT_CB_CONTINUE;
  }
}

}  // namespace

Expected<std::size_t> NetfilterConntrack::remove_if(
    const std::function<bool(const TrackedFlow&)>& broken) {
  std::size_t removed = 0;
  for (const auto family : all_families) {
    const std::uint32_t af = family == Family::IPv6 ? AF_INET6 : AF_INET;
    const std::string name = family_name(family);
    Handle dumping(nfct_open(CONNTRACK, 0));
    if (!dumping) return fail(std::string("connection tracking: netlink: ") + std::strerror(errno));
    Dump dump{&broken, {}};
    nfct_callback_register(dumping.get(), NFCT_T_ALL, on_entry, &dump);
    if (nfct_query(dumping.get(), NFCT_Q_DUMP, &af) != 0)
      return fail(std::string("connection tracking: listing ") + name + ": " +
                  std::strerror(errno));
    // A handle of its own: the dump's callback is not for the deletes' answers.
    Handle deleting(nfct_open(CONNTRACK, 0));
    if (!deleting)
      return fail(std::string("connection tracking: netlink: ") + std::strerror(errno));
    for (const auto& ct : dump.doomed) {
      if (nfct_query(deleting.get(), NFCT_Q_DESTROY, ct.get()) == 0) {
        ++removed;
      } else if (errno != ENOENT) {  // ENOENT: it expired meanwhile
        return fail(std::string("connection tracking: deleting an ") + name +
                    " entry: " + std::strerror(errno));
      }
    }
  }
  return removed;
}

Expected<std::vector<std::string>> NetfilterConntrack::local_addresses() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return fail(std::string("getifaddrs: ") + std::strerror(errno));
  const std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> owned(list, freeifaddrs);
  std::vector<std::string> addresses;
  for (const ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    if (a->ifa_addr->sa_family == AF_INET)
      addresses.push_back(
          address_text(AF_INET, &reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr));
    else if (a->ifa_addr->sa_family == AF_INET6)
      addresses.push_back(
          address_text(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a->ifa_addr)->sin6_addr));
  }
  return addresses;
}

}  // namespace dfg
