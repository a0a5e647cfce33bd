#pragma once

#include <string>
#include <vector>

#include "notify/digest.hpp"
#include "notify/rich_line.hpp"

namespace kz {

// The pieces render_text() fits under a limit (message_format.hpp):

// The digest's head: its title line (bold), then the note's line when there is one.
RichLine digest_head(const Digest& digest, TextStyle style);

// The units of a digest, made on demand (a run may hold thousands of entries and a message
// shows a few dozen): one per entry of a transitions or open_now digest (one line each, high
// severity first, then the digest's order), or per pool of a daily summary (a block of a few
// lines).
class DigestUnits {
 public:
  DigestUnits(const Digest& digest, TextStyle style);
  std::size_t size() const;
  // The i-th unit in display order, i < size().
  RichLine make(std::size_t i) const;

 private:
  const Digest& digest_;
  TextStyle style_;
  std::vector<const DigestEntry*> order_;
};

// The alert in words for a person: "worker rig-07 offline", "3 of 60 workers offline" (the
// alert's message), "hashrate drop", "zero hashrate", "scrape failing: <message>"; unknown types
// by their name.
std::string alert_in_words(const DigestEntry& entry);

// The entry's line without the pool, plain text: "worker rig-07 offline (high)",
// "hashrate drop raised to high: <message>", "worker rig-07 back online after 42 min".
std::string entry_in_words(const DigestEntry& entry);

// A hashrate for a person: "108.3 TH/s", "38.38 PH/s" from 1000 TH/s up, "0.25 TH/s" below 10.
std::string format_hashrate(double hashrate_hs);

}  // namespace kz
