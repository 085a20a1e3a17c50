#pragma once

#include <chrono>
#include <cstdint>

namespace dfg {

/// Time as the decisions see it: the real clocks in the command (system/system_clock.h), a
/// clock that moves only when slept on in unit tests.
class Clock {
 public:
  virtual ~Clock() = default;
  /// CLOCK_BOOTTIME in ms: snapshot ages, suspend included.
  virtual std::uint64_t boot_ms() = 0;
  /// A monotonic time point, for deadlines.
  virtual std::chrono::steady_clock::time_point now() = 0;
  /// When this process began, on now()'s clock: what a step's cost is measured from, as the
  /// unit that ran it feels it.
  virtual std::chrono::steady_clock::time_point started() = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

}  // namespace dfg
