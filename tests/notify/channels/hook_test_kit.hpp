#pragma once

// Generated digests, secrets and a closed port for the hook channel tests.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "common/http.hpp"
#include "notify/digest.hpp"
#include "notify/notify_config.hpp"

namespace kz::test {

// Worker names with the characters channels must escape, non-ASCII and plain ones.
inline std::string generated_worker(std::mt19937& rng) {
  static const std::vector<std::string> kPieces = {
      "rig", "<b>",  "&amp;", ">",     "*bold*", "_x_", "~",      "`",    "|",
      "Риг", "矿机", "😀",     "\"q\"", "07",     "\\",  "[a](b)", "@here"};
  std::string name;
  const int parts = std::uniform_int_distribution<int>(1, 4)(rng);
  for (int i = 0; i < parts; ++i) {
    name += kPieces[std::uniform_int_distribution<std::size_t>(0, kPieces.size() - 1)(rng)];
  }
  return name;
}

inline std::string generated_secret(std::mt19937& rng, std::size_t length = 32) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::string secret;
  for (std::size_t i = 0; i < length; ++i) {
    secret += kChars[std::uniform_int_distribution<std::size_t>(0, sizeof kChars - 2)(rng)];
  }
  return secret;
}

inline DigestEntry generated_entry(std::mt19937& rng, TimePoint at) {
  static const std::vector<std::string> kKinds = {"opened", "raised", "resolved"};
  static const std::vector<std::string> kTypes = {"worker_offline", "offline_workers",
                                                  "hashrate_drop", "zero_hashrate"};
  static const std::vector<std::string> kSeverities = {"low", "medium", "high"};
  const auto pick = [&rng](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
  };
  DigestEntry entry;
  entry.kind = pick(kKinds);
  entry.account_name = "KZPool_" + std::to_string(std::uniform_int_distribution<int>(1, 99)(rng));
  entry.source = std::uniform_int_distribution<int>(0, 1)(rng) ? "btcpool" : "antpool";
  entry.alert_type = pick(kTypes);
  entry.subject = entry.alert_type == "worker_offline" ? generated_worker(rng) : "";
  entry.severity = pick(kSeverities);
  if (entry.kind == "raised") entry.previous_severity = "low";
  entry.message =
      std::to_string(std::uniform_int_distribution<int>(1, 60)(rng)) + " of 60 <workers> & more";
  const std::chrono::seconds open_for{std::uniform_int_distribution<int>(60, 200000)(rng)};
  entry.at = at;
  entry.opened_at = at - open_for;
  if (entry.kind == "resolved") entry.lasted = open_for;
  return entry;
}

inline Digest generated_digest(std::mt19937& rng, int entries) {
  Digest digest;
  digest.kind = DigestKind::transitions;
  digest.at = TimePoint{
      std::chrono::seconds{1'790'000'000 + std::uniform_int_distribution<int>(0, 10'000'000)(rng)}};
  for (int i = 0; i < entries; ++i) digest.entries.push_back(generated_entry(rng, digest.at));
  return digest;
}

// A port on 127.0.0.1 nobody listens on (bound, then closed).
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// Short timeouts: every server here is local.
inline HttpOptions local_options() {
  HttpOptions options;
  options.connect_timeout = std::chrono::milliseconds{2000};
  options.total_timeout = std::chrono::milliseconds{10'000};
  return options;
}

inline Destination hook_destination(const std::string& type, const std::string& url) {
  Destination destination;
  destination.name = "ops-" + type;
  destination.type = type;
  destination.secrets.hook_url = url;
  return destination;
}

}  // namespace kz::test
