// The pure redirect rules of http_redirects.hpp: origins, plain headers, credentials.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/http_redirects.hpp"

namespace kz {
namespace {

// Every spelling of one origin that RFC 6454 treats as the same: case of scheme and host,
// the default port written out or not, any userinfo, path, query or fragment.
std::vector<std::string> spellings(const std::string& scheme, const std::string& host,
                                   long default_port) {
  std::vector<std::string> out;
  for (const std::string& s :
       {scheme, std::string(1, static_cast<char>(std::toupper(scheme[0]))) + scheme.substr(1)}) {
    for (const std::string& h : {host, std::string("WWW.") + host.substr(4)}) {
      for (const std::string& port : {std::string(), ":" + std::to_string(default_port)}) {
        for (const std::string& rest :
             {std::string(), std::string("/"), std::string("/a/b?x=1#f"), std::string("?q")}) {
          out.push_back(s + "://" + h + port + rest);
          out.push_back(s + "://user:pw@" + h + port + rest);
        }
      }
    }
  }
  return out;
}

TEST(UrlOrigin, EverySpellingOfAnOriginIsTheSame) {
  for (const auto& [scheme, port] : {std::pair{"http", 80L}, std::pair{"https", 443L}}) {
    const auto all = spellings(scheme, "www.example.kz", port);
    for (const auto& url : all) {
      const auto origin = url_origin(url);
      ASSERT_TRUE(origin) << url;
      EXPECT_EQ(origin->scheme, scheme) << url;
      EXPECT_EQ(origin->host, "www.example.kz") << url;
      EXPECT_EQ(origin->port, port) << url;
      EXPECT_TRUE(same_origin(url, all.front())) << url;
    }
  }
}

TEST(UrlOrigin, ADifferentSchemeHostOrPortIsAnotherOrigin) {
  const std::string base = "https://api.example.kz/ru/api";
  const std::vector<std::string> others = {
      "http://api.example.kz/ru/api",     "https://api.example.kz:8443/ru/api",
      "https://example.kz/ru/api",        "https://api.example.kz.evil.test/ru/api",
      "https://evil.test/api.example.kz", "https://api.example.kz@evil.test/ru/api",
      "https://api.example.kz./ru/api",   "http://api.example.kz:443/ru/api",
      "https://127.0.0.1/ru/api",         "https://[::1]/ru/api"};
  for (const auto& other : others) {
    EXPECT_FALSE(same_origin(base, other)) << other;
    EXPECT_FALSE(same_origin(other, base)) << other;
  }
}

TEST(UrlOrigin, OnlyAbsoluteHttpUrlsHaveOne) {
  for (const std::string url :
       {"file:///etc/passwd", "ftp://example.kz/x", "gopher://example.kz/", "/relative/path",
        "example.kz/x", "", "http://", "http://host:99999/", "javascript:alert(1)"}) {
    EXPECT_FALSE(url_origin(url)) << url;
    EXPECT_FALSE(same_origin(url, url)) << url;  // nothing that does not parse matches
  }
}

TEST(CarriesCredentials, PlainHeadersInAnyCaseDoNot) {
  const std::vector<std::string> plain = {"Accept",
                                          "Accept-Language",
                                          "Accept-Encoding",
                                          "Content-Type",
                                          "Content-Language",
                                          "Cache-Control",
                                          "Pragma",
                                          "Prefer",
                                          "Range",
                                          "If-None-Match",
                                          "If-Modified-Since",
                                          "If-Match"};
  for (const auto& name : plain) {
    for (const std::string& spelled :
         {name, [&] {
            std::string s = name;
            for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            return s;
          }()}) {
      EXPECT_TRUE(is_plain_header(spelled)) << spelled;
      HttpRequest request{"GET", "https://example.kz/a", {{spelled, "x"}}, ""};
      EXPECT_FALSE(carries_credentials(request)) << spelled;
    }
  }
}

TEST(CarriesCredentials, AnyOtherHeaderOrUserinfoDoes) {
  for (const std::string name :
       {"apikey", "APIKEY", "X-API-KEY", "x-api-key", "Authorization", "Proxy-Authorization",
        "Cookie", "X-Kind", "X-Anything", "Acceptx", "If-", "Accept-Charset-Secret", "Token"}) {
    EXPECT_FALSE(is_plain_header(name)) << name;
    HttpRequest request{"GET", "https://example.kz/a", {{"Accept", "*/*"}, {name, "v"}}, ""};
    EXPECT_TRUE(carries_credentials(request)) << name;
  }
  for (const std::string url : {"https://user:pw@example.kz/a", "https://user@example.kz/a",
                                "http://:pw@example.kz/a", "not a url"}) {
    EXPECT_TRUE(carries_credentials(HttpRequest{"GET", url, {}, ""})) << url;
  }
}

TEST(MayFollowRedirect, TheRulesTogether) {
  const std::string from = "https://api.example.kz/ru/api?v=1";
  const std::string same = "https://API.example.kz:443/en/api";
  const std::string other = "https://mirror.example.kz/ru/api";
  for (const std::string method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "get"}) {
    for (bool key : {false, true}) {
      for (bool follow : {true, false}) {
        HttpRequest request{method, from, {{"Accept", "*/*"}}, ""};
        if (key) request.headers.emplace_back("X-API-KEY", "k");
        request.follow_redirects = follow;
        const bool reads = method == "GET" || method == "HEAD";
        SCOPED_TRACE(method + (key ? " with key" : "") + (follow ? "" : " no-follow"));
        EXPECT_EQ(may_follow_redirect(request, same), reads && follow);
        EXPECT_EQ(may_follow_redirect(request, other), reads && follow && !key);
        request.body = "{}";  // a read with a body is a write in disguise
        EXPECT_FALSE(may_follow_redirect(request, same));
      }
    }
  }
}

}  // namespace
}  // namespace kz
