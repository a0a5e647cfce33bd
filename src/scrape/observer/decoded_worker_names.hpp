#pragma once

#include <string_view>

namespace kz {

// Throws kz::Error(ExitCode::no_data) naming both when two worker names that differ in the
// fetched `body` become one name once decoded (bytes invalid in the page's charset turn into
// U+FFFD in both), so that two workers are never stored as one. Decodes and parses the page
// once more, so call it only when decoding replaced bytes (DecodedPage::replaced > 0). A page
// that does not parse is left to the caller's own parse.
void check_decoding_keeps_workers_apart(std::string_view body, std::string_view content_type);

}  // namespace kz
