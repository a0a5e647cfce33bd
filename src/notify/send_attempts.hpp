#pragma once

#include <functional>

#include "common/clock.hpp"
#include "common/http.hpp"
#include "notify/channel.hpp"
#include "notify/digest.hpp"

namespace kz {

// Delivers `digest` through `channel`, retrying within the run's time limit (issue 13, "Nothing
// lost, nothing twice"): a 429 with retry_after is waited out (at least 1 s) while `deadline`
// allows; another transient failure is retried twice after 1 s and 2 s, also only within the
// deadline. No attempt starts at or after the deadline. Returns the last result: delivered,
// refused (at once, never retried) or transient (the caller leaves the deliveries pending).
// A migrated_chat_id seen on any attempt is kept on the returned result.
DeliveryResult send_within(Channel& channel, const Digest& digest, TimePoint deadline,
                           const Clock& clock, const Sleeper& sleep);

// The same for any one attempt, e.g. a channel's send_photo().
DeliveryResult send_within(const std::function<DeliveryResult()>& attempt, TimePoint deadline,
                           const Clock& clock, const Sleeper& sleep);

}  // namespace kz
