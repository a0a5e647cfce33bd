#include "support/lying_proxy.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "support/local_http_server.hpp"

namespace kz::test {
namespace {

constexpr std::chrono::milliseconds kMaxDelay{30'000};
constexpr const char* kMovedPrefix = "/moved";

std::string to_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_pseudo_header(const std::string& lower) {
  return lower == "remote_addr" || lower == "remote_port" || lower == "local_addr" ||
         lower == "local_port";
}

// Headers a proxy must not copy between connections, or that httplib sets itself.
bool is_hop_header(const std::string& lower) {
  return lower == "host" || lower == "content-length" || lower == "connection" ||
         lower == "keep-alive" || lower == "transfer-encoding" || lower == "accept-encoding" ||
         lower == "content-encoding";
}

// About 1 KB, like nginx's "413 Request Entity Too Large" page with its padding.
std::string too_large_page() {
  std::string page =
      "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
      "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n"
      "</body>\r\n</html>\r\n";
  while (page.size() < 1000) {
    page += "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n";
  }
  return page;
}

std::string welcome_page() {
  return "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n"
         "<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is "
         "successfully installed and working.</p>\n</body>\n</html>\n";
}

// `offset` bytes of an error text, then the key, then the rest.
std::string echo_body(const std::string& key, std::size_t offset) {
  std::string body = "Invalid API key. The gateway could not match the key it was given. ";
  while (body.size() < offset) body += "Check the project's API settings. ";
  body.resize(offset);
  return body + key + " was not accepted.\n";
}

}  // namespace

ProxyBehaviour ProxyBehaviour::redirect(int status, std::string location_base) {
  ProxyBehaviour b;
  b.kind = Kind::kRedirect;
  b.status = status;
  b.location_base = std::move(location_base);
  return b;
}
ProxyBehaviour ProxyBehaviour::welcome_page() {
  ProxyBehaviour b;
  b.kind = Kind::kWelcomePage;
  return b;
}
ProxyBehaviour ProxyBehaviour::no_content() {
  ProxyBehaviour b;
  b.kind = Kind::kNoContent;
  b.status = 204;
  return b;
}
ProxyBehaviour ProxyBehaviour::limit_body(std::size_t bytes) {
  ProxyBehaviour b;
  b.kind = Kind::kLimitBody;
  b.limit = bytes;
  return b;
}
ProxyBehaviour ProxyBehaviour::echo_key(std::size_t offset, int status) {
  ProxyBehaviour b;
  b.kind = Kind::kEchoKey;
  b.offset = offset;
  b.status = status;
  return b;
}
ProxyBehaviour ProxyBehaviour::slow(std::chrono::milliseconds delay, std::string path) {
  ProxyBehaviour b;
  b.delay = delay;
  b.delay_path = std::move(path);
  return b;
}

struct LyingProxy::Impl {
  std::string upstream;
  httplib::Server server;
  std::thread thread;
  int port = 0;

  mutable std::mutex mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  ProxyBehaviour behaviour;
  std::vector<ProxiedRequest> log;

  void handle(const httplib::Request& req, httplib::Response& res);
  void forward(const httplib::Request& req, const std::string& target, httplib::Response& res);
};

void LyingProxy::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  ProxiedRequest record{req.method, req.target, {}, req.body.size(), 0};
  std::string key;
  for (const auto& [name, value] : req.headers) {
    const std::string lower = to_lower(name);
    if (is_pseudo_header(lower)) continue;
    if (lower == "apikey") key = value;
    record.headers.emplace_back(lower, value);
  }
  std::size_t index = 0;
  ProxyBehaviour b;
  {
    std::lock_guard lock(mu);
    index = log.size();
    log.push_back(std::move(record));
    b = behaviour;
  }
  const bool moved = req.target.starts_with(kMovedPrefix);
  if (b.delay.count() > 0 && req.path.find(b.delay_path) != std::string::npos) {
    std::unique_lock lock(mu);
    stop_cv.wait_for(lock, std::min(b.delay, kMaxDelay), [this] { return stopping; });
  }

  if (moved) {
    forward(req, req.target.substr(std::string_view(kMovedPrefix).size()), res);
  } else {
    switch (b.kind) {
      case ProxyBehaviour::Kind::kPass:
        forward(req, req.target, res);
        break;
      case ProxyBehaviour::Kind::kRedirect:
        res.status = b.status;
        res.set_header("Location", b.location_base + req.target);
        res.set_content("<html><body>Moved</body></html>\n", "text/html");
        break;
      case ProxyBehaviour::Kind::kWelcomePage:
        res.status = 200;
        res.set_content(welcome_page(), "text/html");
        break;
      case ProxyBehaviour::Kind::kNoContent:
        res.status = 204;
        break;
      case ProxyBehaviour::Kind::kLimitBody:
        if (req.body.size() > b.limit) {
          res.status = 413;
          res.set_content(too_large_page(), "text/html");
        } else {
          forward(req, req.target, res);
        }
        break;
      case ProxyBehaviour::Kind::kEchoKey:
        res.status = b.status;
        res.set_content(echo_body(key, b.offset), "text/plain");
        break;
    }
  }
  std::lock_guard lock(mu);
  if (index < log.size()) log[index].status = res.status;
}

void LyingProxy::Impl::forward(const httplib::Request& req, const std::string& target,
                               httplib::Response& res) {
  httplib::Client client(upstream);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(60, 0);
  client.set_write_timeout(60, 0);
  httplib::Request out;
  out.method = req.method;
  out.path = target;
  out.body = req.body;
  for (const auto& [name, value] : req.headers) {
    const std::string lower = to_lower(name);
    if (!is_pseudo_header(lower) && !is_hop_header(lower)) out.headers.emplace(name, value);
  }
  const httplib::Result result = client.send(out);
  if (!result) {
    res.status = 502;
    res.set_content("<html><body>502 Bad Gateway</body></html>\n", "text/html");
    return;
  }
  res.status = result->status;
  std::string content_type = "application/octet-stream";
  for (const auto& [name, value] : result->headers) {
    const std::string lower = to_lower(name);
    if (lower == "content-type") {
      content_type = value;
    } else if (!is_hop_header(lower)) {
      res.set_header(name, value);
    }
  }
  if (!result->body.empty() || result->has_header("Content-Type")) {
    res.set_content(result->body, content_type);
  }
}

LyingProxy::LyingProxy(std::string upstream) : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.upstream = std::move(upstream);
  configure_local_server(
      impl.server, std::chrono::seconds(10),
      [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
  impl.server.set_payload_max_length(64 * 1024 * 1024);
  impl.port = start_local_server(impl.server, impl.thread, "LyingProxy");
}

LyingProxy::~LyingProxy() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  stop_local_server(impl_->server, impl_->thread);
}

std::string LyingProxy::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + path;
}

void LyingProxy::set(ProxyBehaviour behaviour) {
  std::lock_guard lock(impl_->mu);
  impl_->behaviour = std::move(behaviour);
}

std::vector<ProxiedRequest> LyingProxy::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->log;
}

void LyingProxy::clear() {
  std::lock_guard lock(impl_->mu);
  impl_->log.clear();
}

bool carries_credentials(const ProxiedRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (name == "apikey" || name == "authorization" || name == "x-api-key") return true;
  }
  return false;
}

}  // namespace kz::test
