#pragma once

// The start and stop shared by the cpp-httplib servers of the test support (PageServer,
// PoolApiServer, LyingProxy): 127.0.0.1 only, an ephemeral port, a thread of their own.

#include <httplib.h>

#include <chrono>
#include <functional>
#include <thread>

namespace kz::test {

using HttpHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

// SO_REUSEADDR and TCP_NODELAY (no 40 ms Nagle stalls), keep-alive 1 s, read and write
// timeouts of `io_timeout`, and every method of every path to `handler`. Ignores SIGPIPE:
// httplib writes to sockets the client may have closed.
void configure_local_server(httplib::Server& server, std::chrono::seconds io_timeout,
                            const HttpHandler& handler);

// Binds 127.0.0.1 on an ephemeral port, serves on `thread` and returns the port once the
// accept loop runs (stop() does nothing before that). Throws std::runtime_error naming `who`
// when it cannot bind.
int start_local_server(httplib::Server& server, std::thread& thread, const char* who);

// Stops the server and joins its thread.
void stop_local_server(httplib::Server& server, std::thread& thread);

}  // namespace kz::test
