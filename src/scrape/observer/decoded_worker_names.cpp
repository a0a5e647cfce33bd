#include "scrape/observer/decoded_worker_names.hpp"

#include <cstdio>
#include <map>
#include <string>

#include "common/charset.hpp"
#include "common/error.hpp"
#include "scrape/observer/observer_parser.hpp"
#include "scrape/observer/page_charset.hpp"

namespace kz {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// The byte a mark (see InvalidBytes::mark) at name[i] stands for, if there is one.
std::optional<unsigned char> mark_at(const std::string& name, std::size_t i) {
  if (name.size() - i < 4 || name.compare(i, 2, "\xF4\x8F") != 0) return std::nullopt;
  const auto hi = static_cast<unsigned char>(name[i + 2]);
  const auto lo = static_cast<unsigned char>(name[i + 3]);
  if (hi < 0xBC || hi > 0xBF || lo < 0x80 || lo > 0xBF) return std::nullopt;
  return static_cast<unsigned char>(((hi - 0xBC) << 6) | (lo - 0x80));
}

// The name as U+FFFD decoding could show it: each run of invalid bytes as one U+FFFD.
std::string as_replaced(const std::string& name) {
  std::string out;
  bool in_run = false;
  for (std::size_t i = 0; i < name.size();) {
    const bool replacement = name.compare(i, kReplacement.size(), kReplacement) == 0;
    if (mark_at(name, i) || replacement) {
      if (!in_run) out += kReplacement;
      in_run = true;
      i += replacement ? kReplacement.size() : 4;
    } else {
      out += name[i++];
      in_run = false;
    }
  }
  return out;
}

// The name with each invalid byte written as \xNN, for the error line.
std::string shown(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    if (const auto byte = mark_at(name, i)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", *byte);
      out += hex;
      i += 4;
    } else {
      out += name[i++];
    }
  }
  return out;
}

}  // namespace

void check_decoding_keeps_workers_apart(std::string_view body, std::string_view content_type) {
  const DecodedPage marked = decode_page_detailed(body, content_type, InvalidBytes::mark);
  std::optional<ObserverPage> page;
  try {
    page = parse_observer_page(marked.text);
  } catch (const Error&) {
    return;
  }
  std::map<std::string, std::string> by_replaced;
  for (const WorkerRow& worker : page->workers) {
    const auto [it, added] = by_replaced.emplace(as_replaced(worker.name), worker.name);
    if (!added && it->second != worker.name) {
      throw Error(ExitCode::no_data, "the worker names \"" + shown(it->second) + "\" and \"" +
                                         shown(worker.name) +
                                         "\" differ only in bytes that are invalid in " +
                                         marked.charset + " (from the page's " + marked.source +
                                         "), so decoded they would be one worker");
    }
  }
}

}  // namespace kz
