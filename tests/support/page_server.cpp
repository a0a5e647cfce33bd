#include "support/page_server.hpp"

#include <httplib.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "support/local_http_server.hpp"

namespace kz::test {
namespace {

constexpr std::chrono::milliseconds kMaxHang{30'000};

std::string to_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// gzip (RFC 1952) or, with `gzip` false, zlib (RFC 1950) as HTTP's "deflate".
std::string compress(const std::string& in, bool gzip) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip ? 15 + 16 : 15, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("compression failed");
  return out;
}

std::size_t kept(std::size_t size, double keep) {
  return std::min(size, static_cast<std::size_t>(static_cast<double>(size) * keep));
}

// Sends `body` in 1 KiB chunks; with `keep` < 1 only that part, then the connection closes
// without the last chunk.
void send_chunked(httplib::Response& res, std::string body, double keep,
                  const std::string& content_type) {
  auto data = std::make_shared<std::string>(std::move(body));
  const std::size_t end = kept(data->size(), keep);
  const bool whole = keep >= 1.0;
  res.set_chunked_content_provider(
      content_type, [data, end, whole](std::size_t offset, httplib::DataSink& sink) {
        if (offset >= end) {
          if (!whole) return false;  // cut: abort, closing the connection
          sink.done();
          return true;
        }
        const std::size_t n = std::min<std::size_t>(1024, end - offset);
        return sink.write(data->data() + offset, n);
      });
}

// Sends `body` with an exact Content-Length through a content provider, which also keeps
// httplib from compressing it on its own. With `declared` > body.size() the connection is
// closed after `body`, leaving the response truncated.
void send_body(httplib::Response& res, std::string body, std::size_t declared,
               const std::string& content_type) {
  if (declared == 0) {
    res.set_header("Content-Type", content_type);
    return;
  }
  auto data = std::make_shared<std::string>(std::move(body));
  res.set_content_provider(declared, content_type,
                           [data](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             if (offset >= data->size())
                               return false;  // truncated: abort, closing the connection
                             const std::size_t n = std::min(length, data->size() - offset);
                             return sink.write(data->data() + offset, n);
                           });
}

}  // namespace

Step Step::respond(int status, std::string body, Headers headers) {
  Step s;
  s.status = status;
  s.body = std::move(body);
  s.headers = std::move(headers);
  return s;
}

Step Step::ok(std::string body, std::string content_type) {
  return respond(200, std::move(body), {{"Content-Type", std::move(content_type)}});
}

Step Step::hang(std::chrono::milliseconds delay) {
  Step s;
  s.kind = Kind::kHang;
  s.delay = delay;
  return s;
}

Step Step::truncated(std::string body, std::size_t declared_length) {
  Step s = respond(200, std::move(body));
  s.kind = Kind::kTruncate;
  s.declared_length = declared_length;
  return s;
}

Step Step::gzip(std::string body, std::string content_type) {
  Step s = ok(std::move(body), std::move(content_type));
  s.kind = Kind::kGzip;
  return s;
}

Step Step::deflate(std::string body, std::string content_type) {
  Step s = ok(std::move(body), std::move(content_type));
  s.kind = Kind::kDeflate;
  return s;
}

Step Step::chunked(std::string body, std::string content_type) {
  Step s = ok(std::move(body), std::move(content_type));
  s.kind = Kind::kChunked;
  return s;
}

Step Step::cut(double keep_fraction) const {
  Step s = *this;
  s.keep = std::clamp(keep_fraction, 0.0, 1.0);
  return s;
}

Step Step::redirect(std::string location, int status) {
  return respond(status, "", {{"Location", std::move(location)}});
}

std::optional<std::string> RecordedRequest::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

struct PageServer::Impl {
  struct Script {
    std::vector<Step> steps;
    std::size_t next = 0;
  };

  httplib::Server server;
  std::thread thread;
  int port = 0;

  mutable std::mutex mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::map<std::string, Script> scripts;
  std::map<std::string, int> counts;
  std::map<std::string, RecordedRequest> last_by_path;
  std::optional<RecordedRequest> last_any;

  void handle(const httplib::Request& req, httplib::Response& res);
};

void PageServer::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  RecordedRequest record{req.method, req.path, req.target, {}, req.body};
  for (const auto& [name, value] : req.headers) {
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;  // pseudo headers added by httplib
    }
    record.headers.emplace_back(to_lower(name), value);
  }

  std::optional<Step> step;
  {
    std::lock_guard lock(mu);
    ++counts[req.path];
    last_by_path[req.path] = record;
    last_any = std::move(record);
    if (auto it = scripts.find(req.path); it != scripts.end()) {
      Script& script = it->second;
      step = script.steps[std::min(script.next, script.steps.size() - 1)];
      if (script.next < script.steps.size()) ++script.next;
    }
  }
  if (!step) {
    res.status = 404;
    res.set_content("no steps for " + req.path + "\n", "text/plain");
    return;
  }

  if (step->kind == Step::Kind::kHang) {
    std::unique_lock lock(mu);
    stop_cv.wait_for(lock, std::min(step->delay, kMaxHang), [this] { return stopping; });
  }

  res.status = step->status;
  std::string content_type = "text/plain";
  for (const auto& [name, value] : step->headers) {
    if (to_lower(name) == "content-type") {
      content_type = value;
    } else {
      res.set_header(name, value);
    }
  }
  switch (step->kind) {
    case Step::Kind::kGzip:
    case Step::Kind::kDeflate: {
      const bool gzip = step->kind == Step::Kind::kGzip;
      res.set_header("Content-Encoding", gzip ? "gzip" : "deflate");
      std::string compressed = compress(step->body, gzip);
      compressed.resize(kept(compressed.size(), step->keep));
      const std::size_t size = compressed.size();
      send_body(res, std::move(compressed), size, content_type);
      break;
    }
    case Step::Kind::kChunked:
      send_chunked(res, std::move(step->body), step->keep, content_type);
      break;
    case Step::Kind::kTruncate:
      send_body(res, step->body, std::max(step->declared_length, step->body.size() + 1),
                content_type);
      break;
    case Step::Kind::kRespond:
    case Step::Kind::kHang: {
      const std::size_t size = step->body.size();
      send_body(res, std::move(step->body), size, content_type);
      break;
    }
  }
}

PageServer::PageServer() : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  configure_local_server(
      impl.server, std::chrono::seconds(5),
      [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
  impl.port = start_local_server(impl.server, impl.thread, "PageServer");
}

PageServer::~PageServer() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  stop_local_server(impl_->server, impl_->thread);
}

int PageServer::port() const {
  return impl_->port;
}

std::string PageServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + std::string(path);
}

void PageServer::set(const std::string& path, std::vector<Step> steps) {
  std::lock_guard lock(impl_->mu);
  if (steps.empty()) {
    impl_->scripts.erase(path);
  } else {
    impl_->scripts[path] = Impl::Script{std::move(steps), 0};
  }
}

int PageServer::request_count(const std::string& path) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->counts.find(path);
  return it == impl_->counts.end() ? 0 : it->second;
}

std::optional<RecordedRequest> PageServer::last_request(const std::string& path) const {
  std::lock_guard lock(impl_->mu);
  if (path.empty()) return impl_->last_any;
  auto it = impl_->last_by_path.find(path);
  if (it == impl_->last_by_path.end()) return std::nullopt;
  return it->second;
}

}  // namespace kz::test
