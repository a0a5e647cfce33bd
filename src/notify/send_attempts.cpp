#include "notify/send_attempts.hpp"

#include <algorithm>

#include "notify/notify_run.hpp"

namespace kz {

namespace {

constexpr int kTransientRetries = 2;
// Against a channel that answers retry_after forever while the clock does not move.
constexpr int kMaxAttempts = 20;

}  // namespace

DeliveryResult send_within(Channel& channel, const Digest& digest, TimePoint deadline,
                           const Clock& clock, const Sleeper& sleep) {
  return send_within([&] { return channel.send(digest); }, deadline, clock, sleep);
}

DeliveryResult send_within(const std::function<DeliveryResult()>& attempt, TimePoint deadline,
                           const Clock& clock, const Sleeper& sleep) {
  DeliveryResult result;
  result.error = "time limit reached before the first attempt";
  std::optional<std::string> migrated;
  int transient_retries = 0;
  for (int i = 0; i < kMaxAttempts && clock.now() < deadline; ++i) {
    result = attempt();
    if (result.migrated_chat_id) migrated = result.migrated_chat_id;
    if (result.outcome != DeliveryResult::Outcome::transient) break;
    std::chrono::seconds wait{0};
    if (result.retry_after) {
      wait = std::max(*result.retry_after, std::chrono::seconds{1});
    } else if (transient_retries < kTransientRetries) {
      wait = std::chrono::seconds{1 << transient_retries};
      ++transient_retries;
    } else {
      break;
    }
    if (clock.now() + wait >= deadline) {
      result.error += "; the time limit leaves no time for another attempt";
      break;
    }
    sleep(std::chrono::duration_cast<std::chrono::milliseconds>(wait));
  }
  if (!result.migrated_chat_id) result.migrated_chat_id = migrated;
  return result;
}

std::vector<DestinationOutcome> send_test_messages(const NotifySettings& settings,
                                                   const ChannelFactory& channels,
                                                   const Clock& clock) {
  std::vector<DestinationOutcome> outcomes;
  for (const Destination& destination : settings.destinations) {
    DestinationOutcome outcome;
    outcome.name = destination.name;
    Digest digest;
    digest.kind = DigestKind::test;
    digest.at = clock.now();
    digest.note = "Test message from kznotify: destination \"" + destination.name + "\" (" +
                  destination.type + ") works.";
    try {
      const DeliveryResult result = channels(destination, destination.chat_id)->send(digest);
      if (result.outcome == DeliveryResult::Outcome::delivered) {
        outcome.messages = 1;
      } else {
        outcome.code = result.outcome == DeliveryResult::Outcome::refused ? ExitCode::notify_refused
                                                                          : ExitCode::notify_failed;
        outcome.error = result.error;
      }
    } catch (const Error& e) {
      outcome.code = e.code();
      outcome.error = e.what();
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

ExitCode notify_exit_code(const std::vector<DestinationOutcome>& outcomes) {
  ExitCode first = ExitCode::ok;
  for (const DestinationOutcome& outcome : outcomes) {
    if (outcome.code == ExitCode::notify_refused) return ExitCode::notify_refused;
    if (first == ExitCode::ok) first = outcome.code;
  }
  return first;
}

}  // namespace kz
