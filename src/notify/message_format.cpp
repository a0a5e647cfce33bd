#include "notify/message_format.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "notify/message_lines.hpp"
#include "notify/rich_line.hpp"

namespace kz {
namespace {

// A shortened entry shorter than this says nothing useful; "…and N more" is shown instead.
constexpr std::size_t kShortestCutEntry = 8;
constexpr std::size_t kTitleLimit = 150;

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

// "…and 12 more"
std::string more_text(std::size_t n) {
  return std::string(kEllipsis) + "and " + std::to_string(n) + " more";
}

std::size_t more_points(std::size_t n) {
  return code_points(more_text(n));
}

// The head, `shown` whole units, optionally a shortened one, and "…and N more" when units are
// left out.
struct Layout {
  std::size_t whole = 0;
  std::size_t cut_points = 0;  // > 0: units[whole] shortened to this many code points
};

// `units` holds at least the units shown; `n` is how many the digest has.
std::string assemble(const std::string& head, const std::vector<RichLine>& units, std::size_t n,
                     const Layout& layout) {
  std::string out = head;
  for (std::size_t i = 0; i < layout.whole; ++i) out += "\n" + units[i].str();
  std::size_t shown = layout.whole;
  if (layout.cut_points > 0) out += "\n" + units[shown++].shortened(layout.cut_points);
  if (shown < n) out += "\n" + more_text(n - shown);
  return out;
}

std::string fit(const RichLine& head, const DigestUnits& source, std::size_t limit) {
  const std::size_t n = source.size();
  // Made until one no longer fits.
  std::vector<RichLine> units;
  std::size_t total = head.points();
  while (units.size() < n && total <= limit) {
    units.push_back(source.make(units.size()));
    total += 1 + units.back().points();
  }
  if (units.size() == n && total <= limit) return assemble(head.str(), units, n, Layout{n, 0});
  if (n == 0) return head.shortened(limit);

  // The most whole units that fit together with "…and N more".
  std::optional<std::size_t> best;
  std::size_t used = head.points();
  for (std::size_t k = 0; k < units.size() && used <= limit; ++k) {
    if (used + 1 + more_points(n - k) <= limit) best = k;
    used += 1 + units[k].points();
  }
  if (!best) {
    // Not even the head and "…and N more": the head gives way.
    const std::size_t more = 1 + more_points(n);
    if (limit <= more) return head.shortened(limit);
    return head.shortened(limit - more) + "\n" + more_text(n);
  }
  Layout layout{*best, 0};
  if (*best == 0) {
    // The first unit alone is too long: shortened, when a useful part of it fits.
    const std::size_t after = n > 1 ? 1 + more_points(n - 1) : 0;
    const std::size_t taken = head.points() + 1 + after;
    if (limit > taken && limit - taken >= kShortestCutEntry) layout.cut_points = limit - taken;
  }
  return assemble(head.str(), units, n, layout);
}

std::string plain_line(std::string_view text) {
  RichLine line(TextStyle::plain);
  line.text(text);
  return line.shortened(kTitleLimit);
}

}  // namespace

std::string render_text(const Digest& digest, TextStyle style, std::size_t limit) {
  return fit(digest_head(digest, style), DigestUnits(digest, style), limit);
}

std::string render_title(const Digest& digest) {
  switch (digest.kind) {
    case DigestKind::open_now:
      return plain_line("kzpool: " + std::to_string(digest.entries.size()) + " alerts open");
    case DigestKind::daily_summary:
      return plain_line("kzpool: daily summary " + digest.summary_date);
    case DigestKind::test:
      return "kzpool: test message";
    case DigestKind::transitions:
      break;
  }
  std::size_t opened = 0;
  std::size_t raised = 0;
  std::size_t resolved = 0;
  std::vector<std::string> pools;
  for (const DigestEntry& entry : digest.entries) {
    ++(entry.kind == "raised" ? raised : entry.kind == "resolved" ? resolved : opened);
    if (std::find(pools.begin(), pools.end(), entry.account_name) == pools.end()) {
      pools.push_back(entry.account_name);
    }
  }
  std::string counts;
  const auto add = [&](std::size_t n, const char* word) {
    if (n == 0) return;
    counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + word;
  };
  add(opened, "opened");
  add(raised, "raised");
  add(resolved, "resolved");
  if (counts.empty()) counts = "no changes";
  std::string names;
  constexpr std::size_t kNamedPools = 3;
  for (std::size_t i = 0; i < std::min(pools.size(), kNamedPools); ++i) {
    names += (i == 0 ? "" : ", ") + pools[i];
  }
  if (pools.size() > kNamedPools) names += " +" + std::to_string(pools.size() - kNamedPools);
  return plain_line("kzpool: " + counts + (names.empty() ? "" : " (" + names + ")"));
}

std::string render_text_fitting(const Digest& digest, TextStyle style, std::size_t limit,
                                const std::function<std::size_t(std::string_view)>& measure,
                                std::size_t cap) {
  std::string text = render_text(digest, style, limit);
  for (std::size_t size = measure(text); size > cap && limit > 64; size = measure(text)) {
    limit = std::min(limit - 1, limit * cap / size);
    text = render_text(digest, style, limit);
  }
  return text;
}

std::string format_duration(std::chrono::seconds duration) {
  const long long total = std::max<long long>(duration.count(), 0);
  const long long minutes = total / 60;
  const long long hours = total / 3600;
  const long long days = total / 86400;
  if (total < 60) return std::to_string(total) + " s";
  if (total < 3600) return std::to_string(minutes) + " min";
  if (total < 86400) {
    const long long rest = minutes % 60;
    if (rest == 0) return std::to_string(hours) + " h";
    return std::to_string(hours) + " h " + (rest < 10 ? "0" : "") + std::to_string(rest) + " min";
  }
  const long long rest = hours % 24;
  return std::to_string(days) + " d" + (rest == 0 ? "" : " " + std::to_string(rest) + " h");
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    pos += std::max<std::size_t>(utf8_char_length(text.substr(pos)), 1);
    ++count;
  }
  return count;
}

}  // namespace kz
