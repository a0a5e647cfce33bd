#pragma once

#include <string>
#include <string_view>

namespace kz {

// Logs go to stderr as "<program>: <level>: <message>" so that cron mails
// them. --quiet keeps warnings and errors only.
void init_logging(std::string_view program, std::string_view level, bool quiet);

// Replaces every occurrence of `secret` in `text` with "[REDACTED]".
std::string redact(std::string text, std::string_view secret);

}  // namespace kz
