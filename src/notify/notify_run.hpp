#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/http.hpp"
#include "notify/channel.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// Builds the channel of a destination; `chat_id` is Telegram's id to use (the configured one, or
// the one a migrate_to_chat_id left in the cache).
using ChannelFactory = std::function<std::unique_ptr<Channel>(const Destination& destination,
                                                              const std::string& chat_id)>;

struct NotifyRunOptions {
  // Print each message that would be sent (destination, then the digest as plain text) to
  // `out` and change nothing in the cache; no channel is called.
  bool dry_run = false;
};

// How one destination's run ended.
struct DestinationOutcome {
  std::string name;
  ExitCode code = ExitCode::ok;  // ok, notify_refused (13), notify_failed (14), cache_failed
  std::string error;             // one line, no secret; empty when ok
  int messages = 0;              // messages the channel confirmed this run
  int entries = 0;               // transitions (or open alerts) in them
  int pending = 0;               // deliveries still pending after the run
};

// One kznotify run (issue 13) over every destination in turn: adds a new destination (its first
// message lists the alerts open now), plans the alert events it has not seen into deliveries
// (routing, mutes, minimum duration, flapping cap, quiet hours), sends what is ready as one
// grouped message, with the pending failures of earlier runs merged in, then the daily summary
// when due. A delivery is marked sent only after the channel confirmed it, in one transaction per
// message. 429/retry_after waits happen while the run's time limit (settings.time_limit from the
// clock's first reading) allows; a refused destination is not tried again for an hour.
std::vector<DestinationOutcome> run_notify(Cache& cache, const NotifySettings& settings,
                                           const ChannelFactory& channels, const Clock& clock,
                                           const Sleeper& sleep, const NotifyRunOptions& options,
                                           std::ostream& out);

// `kznotify --test`: one test message to every destination (no cache needed). Outcomes as above.
std::vector<DestinationOutcome> send_test_messages(const NotifySettings& settings,
                                                   const ChannelFactory& channels,
                                                   const Clock& clock);

// The process exit code of a run: ok when every destination is ok; else notify_refused when one
// was refused, else the first other failure's code.
ExitCode notify_exit_code(const std::vector<DestinationOutcome>& outcomes);

}  // namespace kz
