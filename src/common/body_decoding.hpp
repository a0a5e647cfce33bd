#pragma once

// Undoing a response's Content-Encoding (RFC 9110, 8.4.1) as the body arrives, with zlib, so
// that a compressed stream cut before its end is noticed: libcurl 7.88 accepts a gzip or
// deflate body that stops early when its connection closes cleanly.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace kz {

class BodyDecoder {
 public:
  enum class Status { ok, malformed, too_large };

  // `content_encoding` as the response header gives it: empty or "identity" (bytes pass
  // through), "gzip" / "x-gzip", or "deflate" (zlib-wrapped, or raw as some servers send it).
  // Any other value is reported as malformed by the first write.
  explicit BodyDecoder(std::string_view content_encoding);
  ~BodyDecoder();
  BodyDecoder(const BodyDecoder&) = delete;
  BodyDecoder& operator=(const BodyDecoder&) = delete;

  // Appends the decoded form of `encoded` to `out`, which may not grow past `max_out` bytes.
  Status write(std::string_view encoded, std::string& out, std::size_t max_out);

  // Whether the body is whole: nothing was encoded, or every compressed stream reached its end.
  bool complete() const;

  // What went wrong, for a log line: the malformed stream, or how far a cut stream got.
  std::string problem() const;

  // "gzip", "deflate" or "" (identity).
  const std::string& encoding() const { return encoding_; }

 private:
  struct Stream;
  std::string encoding_;
  bool unsupported_ = false;
  std::string header_;  // the first bytes of a deflate body, until the wrapping is known
  std::unique_ptr<Stream> stream_;
  std::size_t encoded_bytes_ = 0;
  std::string error_;
};

}  // namespace kz
