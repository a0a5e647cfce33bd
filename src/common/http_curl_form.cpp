#include "common/http_curl_form.hpp"

namespace kz {

std::unique_ptr<curl_mime, CurlMimeDeleter> make_curl_form(CURL* curl,
                                                           const std::vector<FormPart>& form) {
  std::unique_ptr<curl_mime, CurlMimeDeleter> mime(curl_mime_init(curl));
  if (!mime) return mime;
  for (const FormPart& field : form) {
    curl_mimepart* part = curl_mime_addpart(mime.get());
    if (part == nullptr || curl_mime_name(part, field.name.c_str()) != CURLE_OK ||
        curl_mime_data(part, field.data.data(), field.data.size()) != CURLE_OK) {
      return nullptr;
    }
    if (!field.filename.empty() && curl_mime_filename(part, field.filename.c_str()) != CURLE_OK) {
      return nullptr;
    }
    if (!field.content_type.empty() &&
        curl_mime_type(part, field.content_type.c_str()) != CURLE_OK) {
      return nullptr;
    }
  }
  return mime;
}

}  // namespace kz
