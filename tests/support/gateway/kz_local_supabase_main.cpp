// kz_local_supabase: starts a throwaway PostgreSQL cluster and the PostgREST-compatible gateway,
// prints the connection settings as KEY=value lines, and runs until SIGINT/SIGTERM/SIGHUP, then
// stops both and removes the cluster's directory. See tests/support/README.md.

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "support/gateway/local_supabase.hpp"

namespace {

constexpr const char* kUsage =
    "usage: kz_local_supabase [--port N] [--no-migrations] [--sql FILE]... [--jwt-secret S]\n"
    "                         [--env-file PATH]\n"
    "  --port N         gateway port (default: a free port)\n"
    "  --no-migrations  do not apply the project's sql/*.sql\n"
    "  --sql FILE       run FILE as the superuser after the migrations (repeatable)\n"
    "  --jwt-secret S   HS256 secret of the keys (default: Supabase's local secret)\n"
    "  --env-file PATH  also write the settings to PATH once ready (removed on exit)\n";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

int main(int argc, char** argv) {
  kz::test::LocalSupabaseOptions options;
  std::string env_file;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--port") {
        options.gateway_port = std::stoi(value());
      } else if (arg == "--no-migrations") {
        options.database.apply_migrations = false;
      } else if (arg == "--sql") {
        options.database.setup_sql.push_back(read_file(value()));
      } else if (arg == "--jwt-secret") {
        options.jwt_secret = value();
      } else if (arg == "--env-file") {
        env_file = value();
      } else {
        std::cerr << kUsage;
        return arg == "-h" || arg == "--help" ? 0 : 2;
      }
    }
  } catch (const std::exception& error) {
    std::cerr << "kz_local_supabase: error: " << error.what() << "\n" << kUsage;
    return 2;
  }

  // Block the stop signals in every thread; the main thread takes them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_signals, sig);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    kz::test::LocalSupabase supabase(std::move(options));
    std::ostringstream settings;
    settings << "SUPABASE_URL=" << supabase.url() << "\n"
             << "SUPABASE_ANON_KEY=" << supabase.anon_key() << "\n"
             << "SUPABASE_SERVICE_ROLE_KEY=" << supabase.service_key() << "\n"
             << "SUPABASE_JWT_SECRET=" << supabase.jwt_secret() << "\n"
             << "SUPABASE_DB_URL=" << supabase.db_url() << "\n"
             << "KZ_GATEWAY_ADMIN_URL=" << supabase.url() << "/_admin\n";
    std::cout << settings.str() << std::flush;
    if (!env_file.empty()) {
      std::string temporary = env_file + ".tmp";
      std::ofstream(temporary) << settings.str();
      std::filesystem::rename(temporary, env_file);
    }
    std::cerr << "kz_local_supabase: ready in " << supabase.startup_time().count()
              << " ms (database " << supabase.database().directory()
              << "); SIGINT or SIGTERM stops it\n";
    int received = 0;
    sigwait(&stop_signals, &received);
    std::cerr << "kz_local_supabase: stopping\n";
  } catch (const std::exception& error) {
    std::cerr << "kz_local_supabase: error: " << error.what() << "\n";
    if (!env_file.empty()) std::remove(env_file.c_str());
    return 1;
  }
  if (!env_file.empty()) std::remove(env_file.c_str());
  return 0;
}
