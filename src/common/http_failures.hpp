#pragma once

// Internal to the libcurl transport (http.cpp): which failed exchanges HttpResult::permanent marks.

#include <curl/curl.h>

namespace kz {

// Whether sending the same request again cannot succeed: a body over the cap
// (`body_too_large`), a malformed URL, an unsupported scheme, a file:// URL that cannot be read,
// too many redirects, a certificate or TLS setup that does not verify, and a TLS handshake the
// server does not speak (https to a plain-HTTP port). A TLS handshake cut by the network
// (`os_errno` set, or `errbuf`, curl's error text, naming a reset, EOF or timeout) is transient,
// like every other failure: timeouts, refused or reset connections, DNS failures.
bool is_permanent_failure(CURLcode code, bool body_too_large, const char* errbuf, long os_errno);

}  // namespace kz
