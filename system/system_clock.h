#pragma once

#include "clock.h"

namespace dfg {

/// The real clocks: CLOCK_BOOTTIME, std::chrono::steady_clock, a real sleep.
class SystemClock : public Clock {
 public:
  std::uint64_t boot_ms() override;
  std::chrono::steady_clock::time_point now() override;
  /// At static initialization: after the dynamic loader, before main.
  std::chrono::steady_clock::time_point started() override;
  void sleep_for(std::chrono::milliseconds duration) override;
};

}  // namespace dfg
