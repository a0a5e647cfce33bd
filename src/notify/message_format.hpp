#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "notify/digest.hpp"

namespace kz {

// The text styles of the channels (../shared/notifications.md):
// telegram_html: parse_mode HTML, only <b> <i> <code> <pre> <a>, `<` `>` `&` escaped;
// slack_mrkdwn: *bold*, `<` `>` `&` escaped as Slack asks; discord_markdown: **bold**, markdown
// characters in names escaped; plain: ntfy and e-mail bodies.
enum class TextStyle { telegram_html, slack_mrkdwn, discord_markdown, plain };

// The channels' limits, in Unicode code points of the rendered text (markup included).
constexpr std::size_t kTelegramTextLimit = 4096;
constexpr std::size_t kDiscordContentLimit = 2000;
constexpr std::size_t kSlackTextLimit = 40000;
constexpr std::size_t kNtfyBodyLimit = 4096;

// The digest as one message body in `style`, at most `limit` code points: a title line, then
// one line per entry (high severity first, then the digest's order), each with the pool, the
// alert, the worker and the alert's message, escaped for the style. When the entries do not fit,
// as many as fit followed by "…and N more". Never cuts inside an escape, a tag or a character.
std::string render_text(const Digest& digest, TextStyle style, std::size_t limit);

// render_text, shortened further while `measure(text)` is above `cap`: for channels whose limit
// is not counted in code points (Telegram: UTF-16 units; ntfy: bytes). Starts at `limit` code
// points and stops shrinking at 64.
std::string render_text_fitting(const Digest& digest, TextStyle style, std::size_t limit,
                                const std::function<std::size_t(std::string_view)>& measure,
                                std::size_t cap);

// A short subject line for the digest (e-mail Subject, ntfy Title), plain text, e.g.
// "kzpool: 2 opened, 1 resolved (KZPool_001, KZPool_002)".
std::string render_title(const Digest& digest);

// "45 s", "42 min", "3 h 05 min", "2 d 4 h".
std::string format_duration(std::chrono::seconds duration);

// `<` `>` `&` (and `"` in attributes) as HTML entities.
std::string escape_html(std::string_view text);

// Number of Unicode code points in UTF-8 `text` (invalid bytes count one each).
std::size_t code_points(std::string_view text);

}  // namespace kz
