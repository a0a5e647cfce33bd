// send_with_retries() and its backoff: kept apart from the libcurl transport in http.cpp.

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <random>
#include <string_view>
#include <thread>

#include "common/http.hpp"
#include "common/termination.hpp"
#include "common/url_text.hpp"

namespace kz {
namespace {

using std::chrono::milliseconds;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<milliseconds> parse_retry_after(const std::string& value) {
  const std::string v(trim(value));
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (v.size() > 9) return milliseconds(999'999'999LL * 1000);
    return milliseconds(std::stoll(v) * 1000);
  }
  const time_t when = curl_getdate(v.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  const auto delta = static_cast<long long>(when) - static_cast<long long>(std::time(nullptr));
  return milliseconds(std::max(0LL, delta) * 1000);
}

milliseconds jittered_backoff(const HttpOptions& options, int retry) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int shift = std::min(retry, 30);
  const auto exp = options.backoff_base.count() * (int64_t{1} << shift);
  const auto cap = std::min<int64_t>(exp, options.backoff_max.count());
  if (cap <= 0) return milliseconds(0);
  std::uniform_int_distribution<int64_t> dist(0, cap);
  return milliseconds(dist(rng));
}

}  // namespace

bool is_retryable_status(long status) {
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

Sleeper real_sleeper() {
  return [](milliseconds d) { std::this_thread::sleep_for(d); };
}

HttpResult send_with_retries(HttpTransport& transport, const HttpRequest& request,
                             const HttpOptions& options, const Sleeper& sleep) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + options.total_timeout;
  const auto remaining = [&] {
    return std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  };
  HttpResult last;
  int attempts = 0;
  for (int retry = 0;; ++retry) {
    const auto left = remaining();
    if (left <= milliseconds(0)) {
      if (attempts == 0) {
        last.transport_error = "timed out after " + std::to_string(options.total_timeout.count()) +
                               " ms (" + redacted_url(request.url) + ")";
      }
      break;
    }
    last = transport.perform(request, left);
    last.attempts = ++attempts;
    const bool retryable =
        last.response ? is_retryable_status(last.response->status) : !last.permanent;
    if (!retryable || retry >= options.max_retries || termination_signal() != 0) break;

    milliseconds delay = jittered_backoff(options, retry);
    const auto left_now = remaining();
    if (last.response) {
      if (auto header = last.response->header("retry-after")) {
        if (auto retry_after = parse_retry_after(*header)) {
          if (*retry_after > left_now) break;  // the server asks for more time than we have
          delay = *retry_after;
        }
      }
    }
    if (delay >= left_now) break;
    sleep(delay);
  }
  return last;
}

}  // namespace kz
