// Clock: the one source of "now", injected so tests can move time.
#ifndef MEETLEAK_BASE_CLOCK_H_
#define MEETLEAK_BASE_CLOCK_H_

#include <chrono>
#include <string>

namespace meetleak {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The real clock (a process-wide singleton; never deleted).
Clock* SystemClock();

// A clock that tests set and advance by hand.
class FakeClock : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1795689600)))  // 2026-11-26
      : now_(start) {}
  TimePoint Now() const override { return now_; }
  void Set(TimePoint t) { now_ = t; }
  void Advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  TimePoint now_;
};

// "2026-11-26T10:00:00Z" (UTC, seconds).
std::string FormatIso8601(Clock::TimePoint t);

}  // namespace meetleak

#endif  // MEETLEAK_BASE_CLOCK_H_
