#pragma once

// A real, scripted HTTP server for tests: listens on 127.0.0.1 on an ephemeral port and serves
// on its own threads from construction until destruction.
//
//   kz::test::PageServer server;
//   server.set("/observer", {Step::respond(503), Step::ok(html)});
//   ... point a client (or the kzscrape binary) at server.url("/observer") ...
//   EXPECT_EQ(server.request_count("/observer"), 2);
//   EXPECT_EQ(server.last_request("/observer")->header("user-agent"), "kzpool/0.1 ...");
//
// Every path has a queue of steps. Each request to the path (any method, the query string is
// ignored) consumes the next step; once the queue is used up its last step repeats. A path
// without steps answers 404. All members are thread-safe, so steps can be replaced while a
// client is running (e.g. to change the page between two runs of a binary).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http.hpp"  // kz::Headers

namespace kz::test {

struct Step {
  enum class Kind {
    kRespond,   // status + headers + body
    kHang,      // wait `delay` without answering, then respond like kRespond
    kTruncate,  // Content-Length: declared_length, send only `body`, close the connection
    kGzip,      // body sent gzip-compressed with Content-Encoding: gzip
    kDeflate,   // body sent zlib-compressed with Content-Encoding: deflate
    kChunked,   // body sent with Transfer-Encoding: chunked, in chunks of 1 KiB
  };
  Kind kind = Kind::kRespond;
  int status = 200;
  std::string body;
  Headers headers;  // extra response headers, e.g. {{"Retry-After", "1"}}; may set Content-Type
  std::chrono::milliseconds delay{0};  // kHang; capped at 30 s, cut short by the destructor
  std::size_t declared_length = 0;     // kTruncate
  double keep = 1.0;                   // kGzip, kDeflate, kChunked: see cut()

  // Any status, e.g. respond(429, "", {{"Retry-After", "1"}}). Content-Type defaults to
  // text/plain unless given in headers.
  static Step respond(int status, std::string body = "", Headers headers = {});
  // 200 with an HTML (or other) body.
  static Step ok(std::string body, std::string content_type = "text/html; charset=utf-8");
  // Hold the request for `delay` without answering, then answer 200 with an empty body.
  static Step hang(std::chrono::milliseconds delay);
  // 200 announcing `declared_length` bytes (must exceed body.size()) but sending only `body`.
  static Step truncated(std::string body, std::size_t declared_length);
  // 200 with `body` gzip-compressed on the wire.
  static Step gzip(std::string body, std::string content_type = "text/html; charset=utf-8");
  // 200 with `body` zlib-compressed (RFC 1950) on the wire.
  static Step deflate(std::string body, std::string content_type = "text/html; charset=utf-8");
  // 200 with `body` sent in chunks, without a Content-Length.
  static Step chunked(std::string body, std::string content_type = "text/html; charset=utf-8");
  // This gzip, deflate or chunked step sending only the first `keep` (0..1) of the body as it
  // goes on the wire. A cut gzip or deflate body is a whole HTTP response (its Content-Length
  // is the cut size) whose compressed stream stops early; a cut chunked body stops after a
  // chunk without the last (empty) chunk, and the connection closes.
  Step cut(double keep_fraction) const;
  // A redirect to `location` (a path on this server such as "/b", or an absolute URL).
  static Step redirect(std::string location, int status = 302);
};

// What the server saw of a request.
struct RecordedRequest {
  std::string method;
  std::string path;    // without the query string
  std::string target;  // path plus query string, as sent
  Headers headers;     // names lower-cased
  std::string body;
  std::optional<std::string> header(const std::string& lower_name) const;
};

class PageServer {
 public:
  PageServer();   // binds and starts serving; throws std::runtime_error when it cannot
  ~PageServer();  // stops promptly (interrupts hanging steps) and joins its threads
  PageServer(const PageServer&) = delete;
  PageServer& operator=(const PageServer&) = delete;

  int port() const;
  // "http://127.0.0.1:<port>" + path; path should start with '/'.
  std::string url(std::string_view path) const;

  // Replaces the queue of `path` and restarts it at its first step (the count is kept).
  // An empty vector removes the path (404 from then on).
  void set(const std::string& path, std::vector<Step> steps);

  // Number of requests received for `path` since construction.
  int request_count(const std::string& path) const;
  // The most recent request to `path`, or to any path when `path` is empty.
  std::optional<RecordedRequest> last_request(const std::string& path = "") const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kz::test
