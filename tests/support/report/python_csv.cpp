#include "support/report/python_csv.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace kz::test {

namespace {

constexpr const char* kReader = R"py(
import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f, strict=True))
json.dump(rows, sys.stdout, ensure_ascii=False)
)py";

}  // namespace

std::vector<std::vector<std::string>> read_csv_with_python(const std::string& csv_text) {
  static std::atomic<int> counter{0};
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("kz_python_csv_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".csv");
  {
    std::ofstream out(path, std::ios::binary);
    out << csv_text;
  }
  const ProcessResult result =
      run_process({"/usr/bin/python3", "-c", kReader, path.string()}, {}, std::chrono::seconds(30));
  std::filesystem::remove(path);
  if (result.exit_code != 0) {
    ADD_FAILURE() << "python's csv module could not read the file: " << result.err;
    return {};
  }
  return nlohmann::json::parse(result.out).get<std::vector<std::vector<std::string>>>();
}

}  // namespace kz::test
