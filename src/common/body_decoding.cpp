#include "common/body_decoding.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace kz {

struct BodyDecoder::Stream {
  z_stream z{};
  bool open = false;
  bool ended = false;  // the last stream reached its end and no byte came after it
  ~Stream() {
    if (open) inflateEnd(&z);
  }
};

namespace {

std::string normalized(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// RFC 1950: a zlib header is CMF FLG with compression method 8 and a check sum of 31.
bool zlib_header(unsigned char cmf, unsigned char flg) {
  return (cmf & 0x0F) == 8 && ((cmf << 8) | flg) % 31 == 0;
}

}  // namespace

BodyDecoder::BodyDecoder(std::string_view content_encoding) {
  const std::string name = normalized(content_encoding);
  if (name == "gzip" || name == "x-gzip") {
    encoding_ = "gzip";
  } else if (name == "deflate") {
    encoding_ = "deflate";
  } else if (!name.empty() && name != "identity") {
    encoding_ = name;
    unsupported_ = true;
  }
}

BodyDecoder::~BodyDecoder() = default;

BodyDecoder::Status BodyDecoder::write(std::string_view encoded, std::string& out,
                                       std::size_t max_out) {
  if (encoded.empty()) return Status::ok;
  if (encoding_.empty()) {
    if (out.size() + encoded.size() > max_out) return Status::too_large;
    out.append(encoded);
    return Status::ok;
  }
  encoded_bytes_ += encoded.size();
  if (unsupported_) {
    error_ = "unsupported Content-Encoding \"" + encoding_ + "\"";
    return Status::malformed;
  }
  if (!stream_) {
    int window_bits = 15 + 16;  // gzip
    if (encoding_ == "deflate") {
      header_.append(encoded);
      if (header_.size() < 2) return Status::ok;
      const auto b = [&](std::size_t i) { return static_cast<unsigned char>(header_[i]); };
      window_bits = zlib_header(b(0), b(1)) ? 15 : -15;
      encoded = header_;
    }
    stream_ = std::make_unique<Stream>();
    if (inflateInit2(&stream_->z, window_bits) != Z_OK) {
      error_ = "zlib cannot start inflating";
      return Status::malformed;
    }
    stream_->open = true;
  }
  z_stream& z = stream_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(encoded.data()));
  z.avail_in = static_cast<uInt>(encoded.size());
  std::array<char, 16384> buffer;
  do {
    if (stream_->ended) {
      if (encoding_ != "gzip") {
        error_ = "data after the end of the deflate stream";
        return Status::malformed;
      }
      inflateReset(&z);  // another gzip member follows (RFC 1952, 2.2)
      stream_->ended = false;
    }
    z.next_out = reinterpret_cast<Bytef*>(buffer.data());
    z.avail_out = static_cast<uInt>(buffer.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t produced = buffer.size() - z.avail_out;
    if (out.size() + produced > max_out) return Status::too_large;
    out.append(buffer.data(), produced);
    if (rc == Z_STREAM_END) {
      stream_->ended = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error_ = "the " + encoding_ + " stream is corrupt" + (z.msg ? std::string(": ") + z.msg : "");
      return Status::malformed;
    }
  } while (z.avail_in > 0 || (z.avail_out == 0 && !stream_->ended));
  header_.clear();
  return Status::ok;
}

bool BodyDecoder::complete() const {
  if (encoding_.empty() || encoded_bytes_ == 0) return true;
  return stream_ && stream_->ended && error_.empty();
}

std::string BodyDecoder::problem() const {
  if (!error_.empty()) return error_;
  if (complete()) return "";
  return "the " + encoding_ + " stream stops before its end (after " +
         std::to_string(encoded_bytes_) + " compressed bytes)";
}

}  // namespace kz
