// Failures that cannot change are sent once; transient ones are still retried.

#include <gtest/gtest.h>

#include "common/http.hpp"
#include "common/http_failures.hpp"
#include "support/page_server.hpp"
#include "support/permanent_failures.hpp"

namespace kz {
namespace {

using test::CountingTransport;
using test::PageServer;
using test::Step;

HttpResult send(HttpTransport& transport, const std::string& url, const HttpOptions& options,
                const std::string& method = "GET") {
  HttpRequest request;
  request.method = method;
  request.url = url;
  if (method == "POST") request.body = "[]";
  return send_with_retries(transport, request, options, [](std::chrono::milliseconds) {});
}

TEST(HttpPermanent, EachKindIsSentOnceForEachMethod) {
  PageServer server;
  const HttpOptions options = test::permanent_failure_options();
  int n = 0;
  for (const auto& failure : test::permanent_failures()) {
    for (const std::string method : {"GET", "HEAD", "POST"}) {
      if (failure.get_only && method == "POST") continue;  // a POST does not follow redirects
      if (method == "HEAD" && failure.kind.find("body") != std::string::npos) continue;
      const std::string path = "/p" + std::to_string(++n);
      const std::string url = failure.serve(server, path);
      CurlTransport curl(options);
      CountingTransport transport(curl);
      const HttpResult r = send(transport, url, options, method);
      ASSERT_FALSE(r.response) << failure.kind << " " << method << ": " << r.response->status;
      EXPECT_TRUE(r.permanent) << failure.kind << ": " << r.transport_error;
      EXPECT_EQ(r.attempts, 1) << failure.kind;
      EXPECT_EQ(transport.count, 1) << failure.kind;
      EXPECT_NE(r.transport_error.find(failure.says), std::string::npos)
          << failure.kind << ": " << r.transport_error;
      if (failure.server_requests >= 0) {
        EXPECT_EQ(server.request_count(path), failure.server_requests) << failure.kind;
      }
    }
  }
}

TEST(HttpPermanent, TransientFailuresAreStillRetried) {
  PageServer server;
  HttpOptions options = test::permanent_failure_options();
  struct Transient {
    std::string kind;
    std::function<std::string()> serve;
  };
  const std::vector<Transient> transients = {
      {"503",
       [&] {
         server.set("/t503", {Step::respond(503)});
         return server.url("/t503");
       }},
      {"connection refused",
       [&] {
         PageServer closed;
         return closed.url("/gone");  // the port closes when `closed` goes away
       }},
      {"body ended early",
       [&] {
         server.set("/cut", {Step::truncated("abc", 900)});
         return server.url("/cut");
       }},
  };
  for (const Transient& t : transients) {
    const std::string url = t.serve();
    CurlTransport curl(options);
    CountingTransport transport(curl);
    const HttpResult r = send(transport, url, options);
    EXPECT_FALSE(r.permanent) << t.kind << ": " << r.transport_error;
    EXPECT_EQ(r.attempts, options.max_retries + 1) << t.kind << ": " << r.transport_error;
    EXPECT_EQ(transport.count, options.max_retries + 1) << t.kind;
  }
}

// Kinds no local server here can produce: classified by their libcurl codes.
TEST(HttpPermanent, CertificateAndTlsSetupFailuresArePermanent) {
  for (const CURLcode code :
       {CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
        CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
        CURLE_SSL_CIPHER, CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL,
        CURLE_FILE_COULDNT_READ_FILE, CURLE_FILESIZE_EXCEEDED, CURLE_TOO_MANY_REDIRECTS}) {
    EXPECT_TRUE(is_permanent_failure(code, false, "", 0)) << curl_easy_strerror(code);
  }
  EXPECT_TRUE(is_permanent_failure(CURLE_SSL_CONNECT_ERROR, false,
                                   "error:0A00010B:SSL routines::wrong version number", 0));
  for (const char* broken :
       {"OpenSSL SSL_connect: Connection reset by peer",
        "error:0A000126:SSL routines::unexpected eof while reading", "SSL connection timed out"}) {
    EXPECT_FALSE(is_permanent_failure(CURLE_SSL_CONNECT_ERROR, false, broken, 0)) << broken;
  }
  EXPECT_FALSE(is_permanent_failure(CURLE_SSL_CONNECT_ERROR, false, "", 104));
  for (const CURLcode code :
       {CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
        CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING,
        CURLE_PARTIAL_FILE}) {
    EXPECT_FALSE(is_permanent_failure(code, false, "", 0)) << curl_easy_strerror(code);
  }
  EXPECT_TRUE(is_permanent_failure(CURLE_WRITE_ERROR, true, "", 0)) << "a body over the cap";
}

}  // namespace
}  // namespace kz
