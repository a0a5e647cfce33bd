#pragma once

// Transport failures that cannot change on a retry, each set up on a real local PageServer,
// for the tests that check every HTTP client sends such a request once
// (HttpResult::permanent). Header only, no test framework.

#include <functional>
#include <string>
#include <vector>

#include "common/http.hpp"
#include "support/page_server.hpp"

namespace kz::test {

struct PermanentFailure {
  std::string kind;
  std::string says;  // in the error message
  // Sets the server up; returns the URL to send to. `path` is a fresh path ("/p3").
  std::function<std::string(PageServer&, const std::string& path)> serve;
  // Requests the server sees for `path` in the one attempt; -1: not a request it can count.
  int server_requests = 1;
  bool get_only = false;  // redirects: only a GET follows one
};

// The options the kinds below assume: a 1000-byte body cap, 2 redirects, 3 retries.
inline HttpOptions permanent_failure_options() {
  HttpOptions o;
  o.max_body_bytes = 1000;
  o.max_redirects = 2;
  o.max_retries = 3;
  o.connect_timeout = std::chrono::seconds(5);
  o.total_timeout = std::chrono::seconds(20);
  o.backoff_base = std::chrono::milliseconds(1);
  o.backoff_max = std::chrono::milliseconds(2);
  return o;
}

inline std::vector<PermanentFailure> permanent_failures() {
  return {
      {"body over the cap", "exceeds 1000 bytes",
       [](PageServer& s, const std::string& path) {
         s.set(path, {Step::ok(std::string(5000, 'x'))});
         return s.url(path);
       }},
      {"gzip body over the cap", "exceeds 1000 bytes",
       [](PageServer& s, const std::string& path) {
         s.set(path, {Step::gzip(std::string(100'000, 'y'))});
         return s.url(path);
       }},
      {"redirect loop", "too many redirects",
       [](PageServer& s, const std::string& path) {
         s.set(path, {Step::redirect(path)});
         return s.url(path);
       },
       3, true},
      {"redirect to another scheme", "only http and https",
       [](PageServer& s, const std::string& path) {
         s.set(path, {Step::redirect("ftp://127.0.0.1/x")});
         return s.url(path);
       },
       1, true},
      {"TLS to a plain-HTTP port", "127.0.0.1",
       [](PageServer& s, const std::string& path) {
         s.set(path, {Step::ok("never")});
         return "https://127.0.0.1:" + std::to_string(s.port()) + path;
       },
       -1},
      {"malformed URL", "",
       [](PageServer&, const std::string& path) { return "http://[127.0.0.1" + path; }, -1},
      {"unsupported scheme", "",
       [](PageServer& s, const std::string& path) {
         return "gopher://127.0.0.1:" + std::to_string(s.port()) + path;
       },
       -1},
      {"file not found", "cannot read file",
       [](PageServer&, const std::string& path) { return "file:///nonexistent/kz" + path; }, -1},
  };
}

// Counts the attempts that reach the real transport.
class CountingTransport : public HttpTransport {
 public:
  explicit CountingTransport(HttpTransport& inner) : inner_(inner) {}
  HttpResult perform(const HttpRequest& request, std::chrono::milliseconds timeout) override {
    ++count;
    return inner_.perform(request, timeout);
  }
  int count = 0;

 private:
  HttpTransport& inner_;
};

}  // namespace kz::test
