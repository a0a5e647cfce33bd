#include "support/antpool_server.hpp"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/antpool_answers.hpp"
#include "support/local_http_server.hpp"

namespace kz::test {

namespace {

const std::string kApiPrefix = "/api/";

TimePointMs system_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// UPPER(hex(HMAC_SHA256(secret, user_id + key + nonce))), spec §2.
std::string signature_of(const std::string& secret, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static const char kHex[] = "0123456789ABCDEF";
  std::string text;
  text.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 0x0f];
  }
  return text;
}

// A nonce as Antpool takes it: 1 to 18 decimal digits.
std::optional<int64_t> nonce_of(const std::string& text) {
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(text);
}

// The envelope's code: 0 for the success envelope written by ok_reply (read without parsing a
// page of rows), else whatever the body's JSON says.
std::optional<int> code_of(const AntpoolReply& reply) {
  static const std::string kOkPrefix = R"({"version":"1.0","code":0,)";
  if (reply.body.compare(0, kOkPrefix.size(), kOkPrefix) == 0) return 0;
  auto body = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object() && body.contains("code") && body["code"].is_number_integer()) {
    return body["code"].get<int>();
  }
  return std::nullopt;
}

const std::string* param(const antpool::Params& params, const std::string& name) {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

}  // namespace

struct AntpoolServer::Impl {
  std::function<TimePointMs()> now;
  httplib::Server server;
  std::thread thread;
  int port = 0;

  mutable std::mutex mutex;
  std::map<std::string, AntpoolKey> keys;     // by key
  std::map<std::string, int64_t> last_nonce;  // by key, the last accepted
  std::map<std::string, antpool::AccountData> accounts;
  std::function<std::optional<AntpoolReply>(const AntpoolRequest&)> override;
  std::vector<AntpoolRequest> requests;

  struct Client {
    std::deque<TimePointMs> served;  // inside the current window
    std::optional<TimePointMs> banned_until;
  };
  std::map<std::string, Client> clients;  // by remote address
  int limit_calls = 600;
  std::chrono::milliseconds limit_window{std::chrono::seconds{600}};
  std::chrono::milliseconds ban_length{std::chrono::seconds{1800}};
  bool ever_banned = false;

  void handle(const httplib::Request& req, httplib::Response& res);
  bool admit(const std::string& client, TimePointMs at);
  AntpoolReply answer(AntpoolRequest& request);
};

// The rate limit (spec §4): false once `client` has been served `limit_calls` requests inside
// (at - window, at], and for ban_length after. Refused requests do not count.
bool AntpoolServer::Impl::admit(const std::string& client, TimePointMs at) {
  Client& c = clients[client];
  if (c.banned_until && at < *c.banned_until) return false;
  while (!c.served.empty() && c.served.front() <= at - limit_window) c.served.pop_front();
  if (static_cast<int>(c.served.size()) >= limit_calls) {
    c.banned_until = at + ban_length;
    ever_banned = true;
    return false;
  }
  c.served.push_back(at);
  return true;
}

// Signature, nonce, account, then the endpoint's answer (spec §2, §3, §5). A nonce counts as
// used once the signature checks out, whatever the request asks for after that.
AntpoolReply AntpoolServer::Impl::answer(AntpoolRequest& request) {
  const antpool::Params& params = request.params;
  const std::string* key_text = param(params, "key");
  auto key_it = key_text ? keys.find(*key_text) : keys.end();
  if (key_it == keys.end()) return antpool_error(-6, "API Key not exist");
  const AntpoolKey& key = key_it->second;
  request.user_id = key.user_id;
  const std::string* nonce_text = param(params, "nonce");
  const auto nonce = nonce_text ? nonce_of(*nonce_text) : std::nullopt;
  if (!nonce) return antpool_error(-18, "Nonce error");
  const std::string* signature = param(params, "signature");
  if (!signature || *signature != signature_of(key.secret, key.user_id + key.key + *nonce_text)) {
    return antpool_error(-7, "Signature error");
  }
  auto last = last_nonce.find(key.key);
  if (last != last_nonce.end() && *nonce <= last->second) return antpool_error(-18, "Nonce error");
  last_nonce[key.key] = *nonce;

  std::string account = key.user_id;
  if (const std::string* user = param(params, "userId"); user && !user->empty()) {
    if (*user != key.user_id && std::find(key.sub_accounts.begin(), key.sub_accounts.end(),
                                          *user) == key.sub_accounts.end()) {
      return antpool_error(-10, "User error");
    }
    account = *user;
  }
  for (const char* coin_name : {"coin", "coinType"}) {
    const std::string* coin = param(params, coin_name);
    if (coin && *coin != "BTC") return antpool_error(-24, "Coin error");
  }
  static const antpool::AccountData kEmpty;
  auto data = accounts.find(account);
  return antpool::answer_endpoint(request.endpoint, params, account,
                                  data == accounts.end() ? kEmpty : data->second, accounts);
}

void AntpoolServer::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  AntpoolRequest request;
  request.endpoint =
      req.path.rfind(kApiPrefix, 0) == 0 ? req.path.substr(kApiPrefix.size()) : req.path;
  for (const auto& [name, value] : req.params) request.params.emplace(name, value);
  if (req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    httplib::Params form;
    httplib::detail::parse_query_text(req.body, form);
    for (const auto& [name, value] : form) request.params.emplace(name, value);
  }
  std::optional<AntpoolReply> reply;
  std::function<std::optional<AntpoolReply>(const AntpoolRequest&)> override_now;
  {
    std::lock_guard lock(mutex);
    request.at = now();
    if (!admit(req.remote_addr, request.at)) reply = antpool_html_page(403);
    override_now = override;
  }
  if (!reply && override_now) reply = override_now(request);
  {
    std::lock_guard lock(mutex);
    if (!reply &&
        (req.path.rfind(kApiPrefix, 0) != 0 || !antpool::known_endpoint(request.endpoint))) {
      reply = antpool_html_page(404);
    }
    if (!reply) reply = answer(request);
    request.params.erase("signature");
    request.http_status = reply->status;
    request.code = code_of(*reply);
    requests.push_back(std::move(request));
  }
  res.status = reply->status;
  res.set_content(reply->body, reply->content_type);
}

AntpoolServer::AntpoolServer(std::function<TimePointMs()> now) : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.now = now ? std::move(now) : system_now;
  configure_local_server(
      impl.server, std::chrono::seconds(10),
      [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
  impl.port = start_local_server(impl.server, impl.thread, "AntpoolServer");
}

AntpoolServer::~AntpoolServer() {
  stop_local_server(impl_->server, impl_->thread);
}

std::string AntpoolServer::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + kApiPrefix;
}

void AntpoolServer::add_key(AntpoolKey key) {
  std::lock_guard lock(impl_->mutex);
  const std::string name = key.key;
  impl_->keys[name] = std::move(key);
}

void AntpoolServer::set_workers(const std::string& account, std::vector<AntpoolWorker> workers) {
  std::lock_guard lock(impl_->mutex);
  antpool::set_workers(impl_->accounts[account], std::move(workers));
}

void AntpoolServer::set_recv(const std::string& account, std::vector<AntpoolRecvDay> days) {
  std::lock_guard lock(impl_->mutex);
  impl_->accounts[account].recv = std::move(days);
}

void AntpoolServer::set_payouts(const std::string& account, std::vector<AntpoolPayout> payouts) {
  std::lock_guard lock(impl_->mutex);
  impl_->accounts[account].payouts = std::move(payouts);
}

void AntpoolServer::set_amounts(const std::string& account, std::string unpaid, std::string total,
                                std::string yesterday, std::string paid_out) {
  std::lock_guard lock(impl_->mutex);
  antpool::AccountData& data = impl_->accounts[account];
  data.unpaid = std::move(unpaid);
  data.total = std::move(total);
  data.yesterday = std::move(yesterday);
  data.paid_out = std::move(paid_out);
}

void AntpoolServer::set_override(
    std::function<std::optional<AntpoolReply>(const AntpoolRequest&)> override) {
  std::lock_guard lock(impl_->mutex);
  impl_->override = std::move(override);
}

void AntpoolServer::set_rate_limit(int calls, std::chrono::seconds window,
                                   std::chrono::seconds ban_length) {
  std::lock_guard lock(impl_->mutex);
  impl_->limit_calls = calls;
  impl_->limit_window = window;
  impl_->ban_length = ban_length;
}

std::vector<AntpoolRequest> AntpoolServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

int AntpoolServer::request_count(const std::string& endpoint) const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int>(
      std::count_if(impl_->requests.begin(), impl_->requests.end(),
                    [&endpoint](const AntpoolRequest& r) { return r.endpoint == endpoint; }));
}

int AntpoolServer::max_requests_in_window(std::chrono::seconds window) const {
  std::vector<TimePointMs> times;
  {
    std::lock_guard lock(impl_->mutex);
    times.reserve(impl_->requests.size());
    for (const AntpoolRequest& r : impl_->requests) times.push_back(r.at);
  }
  std::sort(times.begin(), times.end());
  // Each window (t - window, t] ending at a request's time t; the first index inside it.
  size_t first = 0, most = 0;
  for (size_t last = 0; last < times.size(); ++last) {
    while (times[first] <= times[last] - window) ++first;
    most = std::max(most, last - first + 1);
  }
  return static_cast<int>(most);
}

bool AntpoolServer::banned() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->ever_banned;
}

AntpoolWorker antpool_worker(std::string name, double hashrate_hs, bool online) {
  AntpoolWorker worker;
  worker.name = std::move(name);
  worker.hashrate_10m_hs = hashrate_hs;
  worker.hashrate_1h_hs = hashrate_hs;
  worker.hashrate_1d_hs = hashrate_hs;
  worker.status = online ? 1 : 2;
  return worker;
}

AntpoolReply antpool_error(int code, const std::string& message) {
  return {200, nlohmann::json{{"code", code}, {"message", message}}.dump(), "application/json"};
}

AntpoolReply antpool_html_page(int status) {
  static const std::map<int, std::string> kReasons = {
      {403, "Forbidden"},           {404, "Not Found"},
      {429, "Too Many Requests"},   {500, "Internal Server Error"},
      {502, "Bad Gateway"},         {503, "Service Temporarily Unavailable"},
      {504, "Gateway Time-out"},    {520, "Web server is returning an unknown error"},
      {522, "Connection timed out"}};
  auto reason = kReasons.find(status);
  const std::string title =
      std::to_string(status) + " " + (reason == kReasons.end() ? "Error" : reason->second);
  return {status,
          "<!DOCTYPE html><html><head><title>" + title + "</title></head><body><center><h1>" +
              title + "</h1></center><hr><center>cloudflare</center></body></html>",
          "text/html"};
}

}  // namespace kz::test
