// redacted_url, url_secrets and redact_url_secrets (issue 11): examples of each rule, then
// generated URLs with secrets in the userinfo and the query values: no secret survives, the
// origin, path, query names and fragment do, and a URL without secrets is unchanged.

#include "common/url_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "common/http_redirects.hpp"
#include "common/sha256.hpp"

namespace kz {
namespace {

TEST(RedactedUrl, HidesUserinfoAndQueryValuesKeepsTheRest) {
  EXPECT_EQ(redacted_url("https://u:secret@example.kz:8443/ru/api?key=secret&v=1#frag"),
            "https://***@example.kz:8443/ru/api?key=***&v=***#frag");
  EXPECT_EQ(redacted_url("http://example.kz?token=secret"), "http://example.kz?token=***");
  EXPECT_EQ(redacted_url("http://u:p@example.kz"), "http://***@example.kz");
  EXPECT_EQ(redacted_url("http://user@example.kz/"), "http://***@example.kz/");
  EXPECT_EQ(redacted_url("http://u:p@ss@example.kz/x"), "http://***@example.kz/x");
  EXPECT_EQ(redacted_url("http://example.kz/a@b"), "http://example.kz/a@b");
  EXPECT_EQ(redacted_url("http://example.kz/a?mail=x@y.kz"), "http://example.kz/a?mail=***");
  EXPECT_EQ(redacted_url("http://example.kz/?SECRETTOKEN"), "http://example.kz/?***");
  EXPECT_EQ(redacted_url("http://example.kz/?a=&b=base64==&&c"),
            "http://example.kz/?a=&b=***&&***");
  EXPECT_EQ(redacted_url("http://example.kz/?"), "http://example.kz/?");
  EXPECT_EQ(redacted_url("https://api.example.kz/ru/api?v=1#KZPool_001"),
            "https://api.example.kz/ru/api?v=***#KZPool_001");
  EXPECT_EQ(redacted_url("file:///tmp/page.html"), "file:///tmp/page.html");
  EXPECT_EQ(redacted_url(""), "");
  // Without a scheme (curl guesses http://), userinfo is still hidden.
  EXPECT_EQ(redacted_url("u:secret@127.0.0.1:8080/a?t=secret"), "***@127.0.0.1:8080/a?t=***");
  EXPECT_EQ(redacted_url("example.kz/a@b"), "example.kz/a@b");
}

TEST(UrlSecrets, NamesEachHiddenPieceAndItsDecodedForm) {
  EXPECT_EQ(url_secrets("http://us%40r:p%3Ass@h/?t=a%2Bb&n=&flag#x"),
            (std::vector<std::string>{"us%40r:p%3Ass", "us@r:p:ss", "us%40r", "us@r", "p%3Ass",
                                      "p:ss", "a%2Bb", "a+b", "flag"}));
  EXPECT_TRUE(url_secrets("https://btcpool.kz/observer/xyz#acc").empty());
}

TEST(RedactUrlSecrets, ScrubsTheUrlAndItsSecretsFromAnyText) {
  const std::string url = "http://bob:hunter22@127.0.0.1:8080/page?token=SECRET-42&v=1";
  const std::string text = "ERROR: net::ERR_FAILED loading " + url +
                           " (user bob, password hunter22, token SECRET-42, v 1)";
  EXPECT_EQ(redact_url_secrets(text, url),
            "ERROR: net::ERR_FAILED loading http://***@127.0.0.1:8080/page?token=***&v=*** "
            "(user bob, password ***, token ***, v 1)");
  EXPECT_EQ(redact_url_secrets("no url here", url), "no url here");
  EXPECT_EQ(redact_url_secrets("plain", ""), "plain");
}

// A generator of URL pieces: secrets are long enough that finding one by chance in the rest of
// a URL is negligible, and use every character the part may hold unencoded.
class UrlPieces {
 public:
  explicit UrlPieces(unsigned seed) : random_(seed) {}

  std::string pick(std::string_view alphabet, size_t min, size_t max) {
    std::string out(std::uniform_int_distribution<size_t>(min, max)(random_), ' ');
    for (char& c : out) c = alphabet[index(alphabet.size())];
    return out;
  }
  size_t index(size_t size) { return std::uniform_int_distribution<size_t>(0, size - 1)(random_); }
  bool coin() { return index(2) == 0; }

  std::string host() {
    static const std::vector<std::string> hosts = {"127.0.0.1", "btcpool.kz", "[::1]",
                                                   "api.example.kz", "localhost"};
    std::string out = hosts[index(hosts.size())];
    if (coin()) out += ":" + std::to_string(1 + index(65535));
    return out;
  }
  std::string path() {
    std::string out;
    for (size_t i = index(4); i > 0; --i) out += "/" + pick(kPath, 0, 8);
    return out;
  }
  // A password may hold ':' and (unencoded, as users write them) '@'.
  std::string user() { return pick(kUser, 8, 20); }
  std::string password() { return pick(kPassword, 8, 24); }
  // A query value may hold '=', '?', '/', ':' and '@'; never '&' or '#'.
  std::string value() { return pick(kValue, 8, 32); }
  // A value standing alone (a query part without '='), so without '='.
  static std::string bare(std::string value) {
    std::replace(value.begin(), value.end(), '=', '-');
    return value;
  }
  std::string name() { return pick(kName, 1, 8); }
  std::string fragment() { return coin() ? "" : "#" + pick(kName, 0, 10); }

 private:
  static constexpr std::string_view kUser =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;%";
  static constexpr std::string_view kPassword =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;%:@";
  static constexpr std::string_view kValue =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;%:@=?/";
  static constexpr std::string_view kName = "abcdefghijklmnopqrstuvwxyz_";
  static constexpr std::string_view kPath = "abcdefghijklmnopqrstuvwxyz0123456789-._~";
  std::mt19937 random_;
};

// The query's names in order, as redacted_url() keeps them.
std::vector<std::string> query_names(std::string url) {
  url = url.substr(0, url.find('#'));
  std::vector<std::string> names;
  const auto q = url.find('?');
  if (q == std::string::npos) return names;
  std::string query = url.substr(q + 1);
  for (size_t start = 0;;) {
    const auto amp = query.find('&', start);
    const std::string piece = query.substr(start, amp - start);
    const auto eq = piece.find('=');
    names.push_back(eq == std::string::npos ? "" : piece.substr(0, eq));
    if (amp == std::string::npos) return names;
    start = amp + 1;
  }
}

TEST(RedactedUrl, GeneratedUrlsKeepNoSecretAndTheirShape) {
  for (unsigned seed = 1; seed <= 3000; ++seed) {
    UrlPieces pieces(seed);
    std::vector<std::string> secrets;
    const std::string scheme = pieces.coin() ? "http" : "https";
    std::string url = scheme + "://";
    const int userinfo = static_cast<int>(pieces.index(4));  // none, user, user:pass, :pass
    if (userinfo > 0) {
      const std::string user = userinfo == 3 ? "" : pieces.user();
      const std::string password = userinfo == 1 ? "" : pieces.password();
      if (!user.empty()) secrets.push_back(user);
      if (!password.empty()) secrets.push_back(password);
      url += user + (userinfo == 1 ? "" : ":" + password) + "@";
    }
    const std::string origin_part = pieces.host();
    url += origin_part + pieces.path();
    const size_t params = pieces.index(4);
    for (size_t i = 0; i < params; ++i) {
      // A part without '=' is all value; one with '=' is a name and a value.
      const bool named = pieces.coin();
      const std::string value = named ? pieces.value() : UrlPieces::bare(pieces.value());
      secrets.push_back(value);
      url += (i == 0 ? "?" : "&") + (named ? pieces.name() + "=" + value : value);
    }
    const std::string fragment = pieces.fragment();
    url += fragment;
    SCOPED_TRACE(url);

    const std::string shown = redacted_url(url);
    for (const std::string& secret : secrets) {
      EXPECT_EQ(shown.find(secret), std::string::npos) << secret << " in " << shown;
    }
    EXPECT_TRUE(shown.ends_with(fragment));
    EXPECT_EQ(query_names(shown), query_names(url));
    if (url_origin(url)) {
      EXPECT_EQ(url_origin(shown), url_origin(url));
    }
    EXPECT_EQ(redacted_url(shown), shown) << "redacting twice changes nothing";

    // The URL and its secrets inside other text, as a child process might print them.
    std::string text = "failed: " + url + " |";
    for (const std::string& secret : secrets) text += " " + secret;
    const std::string scrubbed = redact_url_secrets(text, url);
    for (const std::string& secret : secrets) {
      EXPECT_EQ(scrubbed.find(secret), std::string::npos) << secret << " in " << scrubbed;
    }
    EXPECT_NE(scrubbed.find("failed: " + shown + " |"), std::string::npos) << scrubbed;
  }
}

TEST(RedactedUrl, GeneratedUrlsWithoutSecretsAreUnchanged) {
  for (unsigned seed = 1; seed <= 2000; ++seed) {
    UrlPieces pieces(seed);
    std::string url =
        std::string(pieces.coin() ? "http" : "https") + "://" + pieces.host() + pieces.path();
    // Query parts with an empty value carry nothing to hide.
    const size_t params = pieces.index(3);
    for (size_t i = 0; i < params; ++i) url += (i == 0 ? "?" : "&") + pieces.name() + "=";
    url += pieces.fragment();
    EXPECT_EQ(redacted_url(url), url);
    EXPECT_TRUE(url_secrets(url).empty()) << url;
    EXPECT_EQ(redact_url_secrets("x " + url + " y", url), "x " + url + " y");
  }
}

TEST(Sha256Hex, MatchesTheFips180Examples) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_NE(sha256_hex("http://h/?token=a"), sha256_hex("http://h/?token=b"));
}

}  // namespace
}  // namespace kz
