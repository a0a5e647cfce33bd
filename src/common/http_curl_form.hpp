#pragma once

#include <curl/curl.h>

#include <memory>
#include <vector>

#include "common/http.hpp"

namespace kz {

struct CurlMimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};

// `form` as a libcurl mime structure for the easy handle `curl` (CURLOPT_MIMEPOST): one part per
// field with its name and bytes, and its filename and content type when given. nullptr when
// libcurl runs out of memory.
std::unique_ptr<curl_mime, CurlMimeDeleter> make_curl_form(CURL* curl,
                                                           const std::vector<FormPart>& form);

}  // namespace kz
