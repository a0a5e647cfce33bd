#pragma once

// The sendPhoto half of the local Telegram Bot API (telegram_server.hpp), kept apart from the
// server's plumbing.

#include <httplib.h>

#include <cstdint>
#include <optional>

#include "support/notify/telegram_server.hpp"

namespace kz::test {

// sendPhoto's checks after the token's, the chat's and the rate limit's, in the Bot API's
// order: the photo part (a file, PNG or JPEG by its signature), then the caption (HTML parsed
// when parse_mode says so, at most kTelegramServerCaptionLimit UTF-16 units). On success fills
// `accepted` (with `message_id`) and answers 200 with the message; else the error reply.
TelegramReply answer_photo(const httplib::Request& req, const TelegramRequest& request,
                           int64_t message_id, std::optional<TelegramPhoto>& accepted);

}  // namespace kz::test
