// Serves the files of a folder on 127.0.0.1 for the demo and manual checks:
//   kz_serve_dir DIR [--port N]
// prints "URL=http://127.0.0.1:<port>" once listening, reads each file anew on
// every request (so a script can swap pages between runs), stops on SIGINT/SIGTERM.
#include <httplib.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

httplib::Server* running_server = nullptr;

void stop(int) {
  if (running_server) running_server->stop();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << "usage: kz_serve_dir DIR [--port N]\n";
    return 0;
  }
  std::error_code error;
  const std::filesystem::path root =
      argc < 2 ? std::filesystem::path{} : std::filesystem::canonical(argv[1], error);
  if (argc < 2 || error || !std::filesystem::is_directory(root)) {
    std::cerr << "usage: kz_serve_dir DIR [--port N]" << (argc < 2 ? "" : " (DIR must be a folder)")
              << "\n";
    return 2;
  }
  const int port = argc >= 4 && std::string(argv[2]) == "--port" ? std::atoi(argv[3]) : 0;

  httplib::Server server;
  server.Get(R"(/(.*))", [&](const httplib::Request& request, httplib::Response& response) {
    const std::filesystem::path file =
        std::filesystem::weakly_canonical(root / request.matches[1].str());
    if (file.string().rfind(root.string(), 0) != 0 || !std::filesystem::is_regular_file(file)) {
      response.status = 404;
      response.set_content("not found\n", "text/plain");
      return;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    response.set_content(body.str(), "text/html; charset=utf-8");
  });
  running_server = &server;
  signal(SIGINT, stop);
  signal(SIGTERM, stop);
  const int bound = port > 0 ? (server.bind_to_port("127.0.0.1", port) ? port : -1)
                             : server.bind_to_any_port("127.0.0.1");
  if (bound <= 0) {
    std::cerr << "kz_serve_dir: cannot listen on 127.0.0.1\n";
    return 1;
  }
  std::cout << "URL=http://127.0.0.1:" << bound << std::endl;
  server.listen_after_bind();
  return 0;
}
