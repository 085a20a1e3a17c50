// lab-flowprobe: traffic as programs make it, for the lab (tests/lab/world.sh). Times are
// CLOCK_BOOTTIME in seconds, the clock of /proc/uptime, which the lab's other probes log.
//
//   lab-flowprobe serve PORT NAT_ADDRESS
//       UDP echo server (in the lab's "outside" namespace). Answers every datagram; prints
//       "unnat TIME SOURCE" for one whose source is not NAT_ADDRESS (a container's own
//       address: it left the host without Docker's source NAT).
//   lab-flowprobe flows SERVER UDP_PORT TCP_PORT GIVE_UP
//       Every 20 ms a new UDP flow (a socket of its own), resent from the same port every
//       200 ms until answered, as a stub resolver does; every 50 ms a new TCP connection,
//       left to the kernel's SYN retransmissions. Prints "udp|tcp BEGIN END" when one is
//       answered (connected), "udp|tcp BEGIN -" when it gives up after GIVE_UP seconds (stuck),
//       "tcp BEGIN - refused" when the kernel ended the connect with an error (a reset, or an
//       ICMP error such as a firewall's REJECT: the program is told at once).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

double now() {
  timespec t{};
  clock_gettime(CLOCK_BOOTTIME, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "lab-flowprobe: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

void say(const char* kind, double begin, double end, bool refused = false) {
  char line[96];
  const int n = end < 0 ? std::snprintf(line, sizeof line, "%s %.3f -%s\n", kind, begin,
                                        refused ? " refused" : "")
                        : std::snprintf(line, sizeof line, "%s %.3f %.3f\n", kind, begin, end);
  if (write(STDOUT_FILENO, line, static_cast<std::size_t>(n)) < 0) std::exit(1);
}

sockaddr_in address(const char* ip, const char* port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(std::atoi(port)));
  if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
    std::fprintf(stderr, "lab-flowprobe: not an IPv4 address: %s\n", ip);
    std::exit(2);
  }
  return a;
}

int serve(const char* port, const char* nat_address) {
  const int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) die("socket");
  const auto any = address("0.0.0.0", port);
  if (bind(s, reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0) die("bind");
  char buffer[512];
  for (;;) {
    sockaddr_in from{};
    socklen_t length = sizeof from;
    const auto n =
        recvfrom(s, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
    if (n < 0) continue;
    char source[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &from.sin_addr, source, sizeof source);
    if (std::strcmp(source, nat_address) != 0) {
      char line[96];
      const int m = std::snprintf(line, sizeof line, "unnat %.3f %s\n", now(), source);
      if (write(STDOUT_FILENO, line, static_cast<std::size_t>(m)) < 0) return 1;
    }
    // An answer to a container's own address finds no route here; it is lost, as outside.
    sendto(s, buffer, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), length);
  }
}

struct Flow {
  int fd;
  bool udp;
  double begin;
  double last_sent;
};

int flows(const char* server, const char* udp_port, const char* tcp_port, double give_up) {
  const auto udp_to = address(server, udp_port);
  const auto tcp_to = address(server, tcp_port);
  std::vector<Flow> open;
  double next_udp = now(), next_tcp = now();
  for (;;) {
    const double t = now();
    if (t >= next_udp) {
      next_udp += 0.020;
      const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
      if (fd < 0) die("socket");
      if (connect(fd, reinterpret_cast<const sockaddr*>(&udp_to), sizeof udp_to) != 0)
        die("connect");
      (void)send(fd, "q", 1, 0);  // refused or unreachable: resent, as a resolver does
      open.push_back({fd, true, t, t});
    }
    if (t >= next_tcp) {
      next_tcp += 0.050;
      const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (fd < 0) die("socket");
      if (connect(fd, reinterpret_cast<const sockaddr*>(&tcp_to), sizeof tcp_to) != 0 &&
          errno != EINPROGRESS)
        die("connect");
      open.push_back({fd, false, t, t});
    }
    std::vector<pollfd> polled;
    for (const auto& f : open)
      polled.push_back({f.fd, static_cast<short>(f.udp ? POLLIN : POLLOUT), 0});
    const double wake = std::min(next_udp, next_tcp);
    const int timeout_ms = static_cast<int>(std::max(0.0, (wake - now()) * 1000.0)) + 1;
    if (poll(polled.data(), polled.size(), timeout_ms) < 0 && errno != EINTR) die("poll");
    const double after = now();
    std::vector<Flow> kept;
    for (std::size_t i = 0; i < open.size(); ++i) {
      auto& f = open[i];
      bool done = false;
      if (f.udp && (polled[i].revents & POLLIN)) {
        char answer[16];
        if (recv(f.fd, answer, sizeof answer, 0) > 0) {
          say("udp", f.begin, after);
          done = true;
        }
      } else if (!f.udp && (polled[i].revents & (POLLOUT | POLLERR | POLLHUP))) {
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(f.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        say("tcp", f.begin, error == 0 ? after : -1.0, error != 0);
        done = true;
      }
      if (!done && after - f.begin >= give_up) {
        say(f.udp ? "udp" : "tcp", f.begin, -1.0);
        done = true;
      }
      if (!done && f.udp && after - f.last_sent >= 0.200) {
        (void)recv(f.fd, nullptr, 0, MSG_DONTWAIT);  // clears a pending ICMP error
        (void)send(f.fd, "q", 1, 0);
        f.last_sent = after;
      }
      if (done)
        close(f.fd);
      else
        kept.push_back(f);
    }
    open.swap(kept);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "serve" && argc == 4) return serve(argv[2], argv[3]);
  if (mode == "flows" && argc == 6) return flows(argv[2], argv[3], argv[4], std::atof(argv[5]));
  std::fprintf(stderr,
               "usage: lab-flowprobe serve PORT NAT_ADDRESS\n"
               "       lab-flowprobe flows SERVER UDP_PORT TCP_PORT GIVE_UP\n");
  return 2;
}
