#pragma once

// A Channel of our own interface for the engine's unit tests: records every digest it is given
// and answers scripted DeliveryResults (delivered once the script is empty). The real channels
// are tested against local servers elsewhere.
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/http.hpp"
#include "notify/channel.hpp"
#include "notify/notify_run.hpp"

namespace kz::test {

// What one destination's channel saw, shared by every channel the factory builds for it.
struct ChannelLog {
  std::deque<DeliveryResult> answers;  // the next attempts' results, in order
  std::vector<Digest> attempts;        // every digest it was asked to send
  std::vector<Digest> delivered;       // those it answered delivered
  std::vector<std::string> chat_ids;   // the chat id each channel was built with
};

class RecordingChannel : public Channel {
 public:
  explicit RecordingChannel(std::shared_ptr<ChannelLog> log) : log_(std::move(log)) {}
  DeliveryResult send(const Digest& digest) override {
    log_->attempts.push_back(digest);
    DeliveryResult result;
    result.outcome = DeliveryResult::Outcome::delivered;
    if (!log_->answers.empty()) {
      result = log_->answers.front();
      log_->answers.pop_front();
    }
    if (result.outcome == DeliveryResult::Outcome::delivered) log_->delivered.push_back(digest);
    return result;
  }

 private:
  std::shared_ptr<ChannelLog> log_;
};

// Channels per destination name; a log is created on first use.
class RecordingChannels {
 public:
  ChannelLog& log(const std::string& name) {
    std::shared_ptr<ChannelLog>& found = logs_[name];
    if (!found) found = std::make_shared<ChannelLog>();
    return *found;
  }
  ChannelFactory factory() {
    return [this](const Destination& destination, const std::string& chat_id) {
      log(destination.name).chat_ids.push_back(chat_id);
      return std::unique_ptr<Channel>(new RecordingChannel(logs_[destination.name]));
    };
  }

 private:
  std::map<std::string, std::shared_ptr<ChannelLog>> logs_;
};

inline DeliveryResult answer(DeliveryResult::Outcome outcome, std::string error = "",
                             std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  DeliveryResult result;
  result.outcome = outcome;
  result.error = std::move(error);
  result.retry_after = retry_after;
  return result;
}

// A Sleeper that moves a FixedClock on instead of waiting, and remembers each wait.
struct AdvancingSleeper {
  FixedClock& clock;
  std::vector<std::chrono::milliseconds> waits;
  Sleeper sleeper() {
    return [this](std::chrono::milliseconds wait) {
      waits.push_back(wait);
      clock.advance(std::chrono::duration_cast<std::chrono::seconds>(wait));
    };
  }
};

}  // namespace kz::test
