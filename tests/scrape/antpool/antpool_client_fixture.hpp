#pragma once

// A small Antpool stand-in on 127.0.0.1 for the client tests: it decodes the form body, checks
// the signature with OpenSSL (not through the client's code) and that nonces increase, records
// every request, and answers what the test scripts. Plus a recording CallGate.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "scrape/antpool/antpool_client.hpp"
#include "support/local_http_server.hpp"

namespace kz::test {

inline const AntpoolCredentials kCredentials{"k3y-AbCdEf-0123456789", "s3cr3t-ZyXw-9876543210"};

// A gate with `slots` slots; nonces count up from `first_nonce`; records what it was told.
class RecordingGate : public CallGate {
 public:
  explicit RecordingGate(int capacity = 1000) : slots_(capacity) {}
  std::optional<CallSlot> reserve(const CallRequest& request) override {
    requests.push_back(request);
    if (slots_ <= 0) return std::nullopt;
    --slots_;
    slots.push_back(CallSlot{static_cast<int64_t>(slots.size()) + 1, next_nonce_});
    next_nonce_ += 1 + static_cast<int64_t>(slots.size() % 3);
    return slots.back();
  }
  void record(const CallSlot& slot, const CallOutcome& outcome) override {
    outcomes.emplace_back(slot, outcome);
  }
  std::vector<CallRequest> requests;
  std::vector<CallSlot> slots;
  std::vector<std::pair<CallSlot, CallOutcome>> outcomes;

 private:
  int slots_;
  int64_t next_nonce_ = 1'700'000'000'000;
};

// One request as the stand-in saw it.
struct SeenRequest {
  std::string method;
  std::string endpoint;  // "accountOverview.htm"
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> form;  // in body order, decoded
  std::map<std::string, std::string> params;
  bool signature_ok = false;
  bool nonce_increased = false;
};

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::chrono::milliseconds delay{0};
};

inline std::string form_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

inline std::string hmac_hex(const std::string& secret, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02X", digest[i]);
    hex += byte;
  }
  return hex;
}

class FakeAntpool {
 public:
  using Script = std::function<Reply(const SeenRequest&, int index)>;
  FakeAntpool(std::string user_id, Script script)
      : user_id_(std::move(user_id)), script_(std::move(script)) {
    configure_local_server(
        server_, std::chrono::seconds(5),
        [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    port_ = start_local_server(server_, thread_, "FakeAntpool");
  }
  ~FakeAntpool() { stop_local_server(server_, thread_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/"; }
  std::vector<SeenRequest> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    SeenRequest seen;
    seen.method = req.method;
    seen.endpoint = req.path.substr(req.path.rfind('/') + 1);
    seen.content_type = req.get_header_value("Content-Type");
    size_t start = 0;
    while (start <= req.body.size() && !req.body.empty()) {
      const size_t end = std::min(req.body.find('&', start), req.body.size());
      const std::string pair = req.body.substr(start, end - start);
      const size_t eq = pair.find('=');
      seen.form.emplace_back(form_decode(pair.substr(0, eq)),
                             eq == std::string::npos ? "" : form_decode(pair.substr(eq + 1)));
      start = end + 1;
    }
    for (const auto& [name, value] : seen.form) seen.params[name] = value;
    const std::string nonce = seen.params["nonce"];
    seen.signature_ok = seen.params["signature"] ==
                        hmac_hex(kCredentials.secret, user_id_ + seen.params["key"] + nonce);
    int index = 0;
    {
      std::lock_guard lock(mutex_);
      const long long value = nonce.empty() ? -1 : std::stoll(nonce);
      seen.nonce_increased = value > last_nonce_;
      last_nonce_ = std::max(last_nonce_, value);
      index = static_cast<int>(seen_.size());
      seen_.push_back(seen);
    }
    const Reply reply = script_(seen, index);
    if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
    res.status = reply.status;
    res.set_content(reply.body, reply.content_type);
  }

  std::string user_id_;
  Script script_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<SeenRequest> seen_;
  long long last_nonce_ = -1;
};

// `fn` throws kz::Error with `code`; its message carries none of the secrets (nor a nonce or a
// signature the gate handed out) and is returned.
inline std::string thrown(const std::function<void()>& fn, ExitCode code,
                          const RecordingGate& gate) {
  try {
    fn();
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.code(), code) << what;
    for (const std::string& secret : {kCredentials.key, kCredentials.secret}) {
      EXPECT_EQ(what.find(secret), std::string::npos) << what;
    }
    EXPECT_FALSE(std::regex_search(what, std::regex("[0-9A-F]{64}"))) << "a signature: " << what;
    for (const CallSlot& slot : gate.slots) {
      EXPECT_EQ(what.find(std::to_string(slot.nonce)), std::string::npos) << what;
    }
    for (const auto& [slot, outcome] : gate.outcomes) {
      EXPECT_EQ(outcome.error.find(kCredentials.secret), std::string::npos) << outcome.error;
      EXPECT_EQ(outcome.error.find(kCredentials.key), std::string::npos) << outcome.error;
    }
    return what;
  }
  ADD_FAILURE() << "no kz::Error thrown";
  return "";
}

}  // namespace kz::test
