#pragma once

// Internals of Gateway shared by gateway.cpp (the REST API) and gateway_admin.cpp (admin routes
// and injected faults). Not for tests.

#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "support/gateway/api_error.hpp"
#include "support/gateway/gateway.hpp"
#include "support/gateway/pg_session.hpp"
#include "support/gateway/schema_cache.hpp"

namespace kz::test {

struct Gateway::Impl {
  explicit Impl(GatewayOptions gateway_options);

  void handle_rest(const httplib::Request& request, httplib::Response& response);
  void serve_rest(const httplib::Request& request, const httplib::Params& params,
                  httplib::Response& response, LoggedRequest& entry);
  void register_admin_routes();
  // Answers an injected 503/429/57014 fault.
  void answer_fault(const Fault& fault, httplib::Response& response) const;
  // Closes the client's connection of `request` without an answer.
  void drop_connection(const httplib::Request& request) const;
  // Sleeps for `delay` unless the gateway stops first.
  void wait(std::chrono::milliseconds delay);

  GatewayOptions options;
  httplib::Server server;
  std::thread listener;
  int port = 0;
  PgPool pool;
  SchemaCache schema;
  FaultInjector faults;
  RequestLog log;
  std::mutex stop_mutex;
  std::condition_variable stop_signal;
  bool stopping = false;
};

void write_error(httplib::Response& response, const ApiError& error);

}  // namespace kz::test
