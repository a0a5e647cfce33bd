#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kz {

using TimePoint = std::chrono::sys_seconds;
// A snapshot's own scrape time keeps milliseconds (design.md, "Times").
using TimePointMs = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // The time in milliseconds; clocks that only know seconds give now() + 0 ms.
  virtual TimePointMs now_ms() const { return now(); }
};

class SystemClock : public Clock {
 public:
  TimePoint now() const override;
  TimePointMs now_ms() const override;
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
// "2026-11-22T10:40:00.123Z", always three digits: the cache's snapshot.scraped_at. Texts of
// this form compare as their times do.
std::string format_utc_ms(TimePointMs t);
// Reads "2026-11-22T10:40:00Z" (also with "+00:00" or without a zone); a fraction of a
// second ("10:40:00.123Z") is read and dropped.
std::optional<TimePoint> parse_utc(std::string_view text);
// Reads what parse_utc reads, keeping milliseconds ("10:40:00.123Z"; up to 9 digits, cut to 3).
std::optional<TimePointMs> parse_utc_ms(std::string_view text);

// A fixed offset from UTC such as "+05:00", "-03:30", "UTC+5", "Z".
std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text);

// A page time "2026-11-22T10:33:25" (no zone) read as local time at `offset`.
std::optional<TimePoint> local_to_utc(std::string_view local_iso, std::chrono::minutes offset);

}  // namespace kz
