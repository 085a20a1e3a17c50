#include "system_clock.h"

#include <ctime>
#include <thread>

namespace dfg {
namespace {

const std::chrono::steady_clock::time_point process_began = std::chrono::steady_clock::now();

}  // namespace

std::uint64_t SystemClock::boot_ms() {
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000 +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000000;
}

std::chrono::steady_clock::time_point SystemClock::now() {
  return std::chrono::steady_clock::now();
}

std::chrono::steady_clock::time_point SystemClock::started() { return process_began; }

void SystemClock::sleep_for(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

}  // namespace dfg
