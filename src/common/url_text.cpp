#include "common/url_text.hpp"

#include <algorithm>
#include <cctype>

namespace kz {
namespace {

constexpr std::string_view kHidden = "***";

// The parts of a URL as redacted_url() splits it; each view is empty when the part is absent.
struct UrlParts {
  std::string_view before_userinfo;  // "scheme://"
  std::string_view userinfo;         // without its '@'
  bool has_userinfo = false;
  std::string_view rest;   // host, port and path
  std::string_view query;  // without its '?'
  bool has_query = false;
  std::string_view fragment;  // with its '#'
};

UrlParts split(std::string_view url) {
  UrlParts parts;
  const auto hash = url.find('#');
  if (hash != std::string_view::npos) {
    parts.fragment = url.substr(hash);
    url = url.substr(0, hash);
  }
  const auto question = url.find('?');
  if (question != std::string_view::npos) {
    parts.query = url.substr(question + 1);
    parts.has_query = true;
    url = url.substr(0, question);
  }
  // Without a scheme ("user:pw@host/path", which curl would still fetch) the authority
  // starts the text.
  const auto scheme_end = url.find("://");
  const auto host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto authority_end = std::min(url.find('/', host_start), url.size());
  const auto at = url.substr(0, authority_end).rfind('@');
  if (at != std::string_view::npos && at >= host_start) {
    parts.before_userinfo = url.substr(0, host_start);
    parts.userinfo = url.substr(host_start, at - host_start);
    parts.has_userinfo = true;
    parts.rest = url.substr(at + 1);
    return parts;
  }
  parts.rest = url;
  return parts;
}

// Calls `each(name, value, has_equals)` for every '&'-separated part of a query.
template <typename Each>
void for_each_query_part(std::string_view query, Each each) {
  for (;;) {
    const auto amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    const auto eq = piece.find('=');
    if (eq == std::string_view::npos) {
      each(piece, std::string_view{}, false);
    } else {
      each(piece.substr(0, eq), piece.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) return;
    query.remove_prefix(amp + 1);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower >= 'a' && lower <= 'f') return lower - 'a' + 10;
  return -1;
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (auto pos = text.find(what); pos != std::string::npos;
       pos = text.find(what, pos + with.size())) {
    text.replace(pos, what.size(), with);
  }
}

}  // namespace

bool has_fetchable_scheme(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://") || url.starts_with("file://");
}

std::string redacted_url(std::string_view url) {
  const UrlParts parts = split(url);
  std::string out(parts.before_userinfo);
  if (parts.has_userinfo) out.append(kHidden).append("@");
  out.append(parts.rest);
  if (parts.has_query) {
    out += '?';
    bool first = true;
    for_each_query_part(parts.query, [&](std::string_view name, std::string_view value, bool eq) {
      if (!first) out += '&';
      first = false;
      if (!eq) {
        if (!name.empty()) out.append(kHidden);
        return;
      }
      out.append(name).append("=");
      if (!value.empty()) out.append(kHidden);
    });
  }
  out.append(parts.fragment);
  return out;
}

std::vector<std::string> url_secrets(std::string_view url) {
  const UrlParts parts = split(url);
  std::vector<std::string> secrets;
  auto add = [&](std::string_view secret) {
    if (secret.empty()) return;
    secrets.emplace_back(secret);
    std::string decoded = percent_decoded(secret);
    if (decoded != secret) secrets.push_back(std::move(decoded));
  };
  if (parts.has_userinfo) {
    add(parts.userinfo);
    const auto colon = parts.userinfo.find(':');
    if (colon != std::string_view::npos) {
      add(parts.userinfo.substr(0, colon));
      add(parts.userinfo.substr(colon + 1));
    }
  }
  if (parts.has_query) {
    for_each_query_part(parts.query, [&](std::string_view name, std::string_view value, bool eq) {
      add(eq ? value : name);
    });
  }
  return secrets;
}

std::string redact_url_secrets(std::string text, std::string_view url) {
  if (url.empty()) return text;
  replace_all(text, url, redacted_url(url));
  std::vector<std::string> secrets = url_secrets(url);
  // Longest first, so that a secret that contains another is replaced whole.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& secret : secrets) {
    if (secret.size() >= 4) replace_all(text, secret, kHidden);
  }
  return text;
}

}  // namespace kz
