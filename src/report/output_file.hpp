#pragma once

#include <string>
#include <string_view>

namespace kz {

// Writes `content` to `path` so that a reader never sees half a file: a temporary file in the
// same folder (mode 0644), fsync, then rename over `path`. A symbolic link is followed (the
// file it names is replaced, the link stays); an existing target that is not a regular file
// (/dev/stdout, a FIFO) is written in place. An empty path or "-" writes to stdout. Throws
// kz::Error(report_failed) naming the path and the system's reason (a folder: "give a file
// name in it"); the temporary file is removed on failure.
void write_output(const std::string& path, std::string_view content);

}  // namespace kz
