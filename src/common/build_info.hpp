#pragma once

#include <string>
#include <string_view>

namespace kz {

// The project's version, project(kzpool VERSION ...): "0.1.0".
std::string_view build_version();

// The git revision the binaries were built from, read at build time (cmake/BuildInfo.cmake):
// "c6746e2", "c6746e2, modified" when tracked files had uncommitted changes, "unknown" outside
// git, or the packager's KZ_GIT_REVISION.
std::string_view build_git_revision();

// The one --version line: "kzscrape 0.1.0 (git c6746e2)". help2man reads it.
inline std::string version_line(std::string_view program) {
  return std::string(program) + " " + std::string(build_version()) + " (git " +
         std::string(build_git_revision()) + ")";
}

}  // namespace kz
