#pragma once

// Digests and destinations for the e-mail channel's tests.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "notify/digest.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// Worker names with Cyrillic, emoji, CJK, flags and the characters HTML and QP escape.
inline const std::vector<std::string> kWorkers = {
    "rig-07", "Воркер №3", "<rig&1>", "a<b>c&d",    "😀-miner",
    "中文",   "x=y.z",     ".dotted", "ümlaut rig", "🇰🇿 antminer S19"};

// A transitions digest of `entries` random transitions of kWorkers in three pools.
inline Digest generated_digest(std::mt19937& random, int entries) {
  Digest digest;
  digest.kind = DigestKind::transitions;
  digest.at =
      TimePoint{std::chrono::seconds{1'800'000'000 + static_cast<long long>(random() % 1000)}};
  const std::vector<std::string> kinds = {"opened", "raised", "resolved"};
  const std::vector<std::string> severities = {"low", "medium", "high"};
  for (int i = 0; i < entries; ++i) {
    DigestEntry entry;
    entry.kind = kinds[random() % kinds.size()];
    entry.account_name = "KZPool_00" + std::to_string(1 + random() % 3);
    entry.source = "btcpool";
    entry.alert_type = "worker_offline";
    entry.subject = kWorkers[random() % kWorkers.size()];
    entry.severity = severities[random() % severities.size()];
    entry.previous_severity = "low";
    entry.message = "воркер " + entry.subject + " не в сети";
    entry.opened_at = digest.at - std::chrono::minutes(1 + random() % 300);
    entry.at = digest.at;
    if (entry.kind == "resolved") entry.lasted = entry.at - entry.opened_at;
    digest.entries.push_back(entry);
  }
  return digest;
}

// An "email" destination to `recipients` addresses ops<i>@farm.example.kz, no login.
inline Destination email_destination(const std::string& smtp_url, int recipients) {
  Destination destination;
  destination.name = "mail";
  destination.type = "email";
  destination.smtp_url = smtp_url;
  destination.from = "alerts@kzpool.example";
  for (int i = 0; i < recipients; ++i) {
    destination.to.push_back("ops" + std::to_string(i) + "@farm.example.kz");
  }
  return destination;
}

// `text` with CRLF line ends as LF.
inline std::string lf(std::string text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
  }
  return out;
}

// The error is one line for the log and the cache.
inline void expect_one_line(const std::string& error) {
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(error.find_first_of("\r\n"), std::string::npos) << error;
}

}  // namespace kz
