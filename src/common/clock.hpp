#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kz {

using TimePoint = std::chrono::sys_seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock : public Clock {
 public:
  TimePoint now() const override;
};

class FixedClock : public Clock {
 public:
  explicit FixedClock(TimePoint now) : now_(now) {}
  TimePoint now() const override { return now_; }
  void advance(std::chrono::seconds by) { now_ += by; }

 private:
  TimePoint now_;
};

// "2026-11-22T10:40:00Z"
std::string format_utc(TimePoint t);
// Reads "2026-11-22T10:40:00Z" (also with "+00:00" or without a zone).
std::optional<TimePoint> parse_utc(std::string_view text);

// A fixed offset from UTC such as "+05:00", "-03:30", "UTC+5", "Z".
std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text);

// A page time "2026-11-22T10:33:25" (no zone) read as local time at `offset`.
std::optional<TimePoint> local_to_utc(std::string_view local_iso, std::chrono::minutes offset);

}  // namespace kz
