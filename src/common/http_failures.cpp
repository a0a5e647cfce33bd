// Which transport failures are permanent: the one place they are classified.

#include "common/http_failures.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace kz {

bool is_permanent_failure(CURLcode code, bool body_too_large, const char* errbuf, long os_errno) {
  if (body_too_large) return true;
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_FILE_COULDNT_READ_FILE:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
      return true;
    case CURLE_SSL_CONNECT_ERROR: {
      // A handshake the server does not speak ("wrong version number": TLS to a plain-HTTP
      // port) fails again; a connection that broke during the handshake may not.
      if (os_errno != 0) return false;
      std::string detail(errbuf != nullptr ? errbuf : "");
      std::transform(detail.begin(), detail.end(), detail.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      for (const char* broken : {"reset", "eof", "timed out", "broken pipe"}) {
        if (detail.find(broken) != std::string::npos) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace kz
