// The crawl's clock: politeness delays, retry backoff and progress times are read from it,
// never from std::chrono directly, so that tests drive time (tests/crawler/fake_engine.h
// holds a fake clock that the fake engine advances from event to event, without sleeping).
// Waiting is the engine's job: Engine::after() schedules on the loop in this clock's time.
// Private to crawler/.
#pragma once

#include <chrono>

namespace policyindex::crawler {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  // Monotonic time; only differences mean anything.
  virtual TimePoint now() const = 0;
};

// std::chrono::steady_clock: the real engine's timers run on it.
class SteadyClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace policyindex::crawler
