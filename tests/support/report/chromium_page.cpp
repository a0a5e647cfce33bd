#include "support/report/chromium_page.hpp"

#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

#include "support/process.hpp"

namespace kz::test {
namespace {

class TempProfile {
 public:
  TempProfile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kzreport-chromium-XXXXXX");
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempProfile() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  const auto start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

ProcessResult run(const ChromiumPage& page, const std::filesystem::path& file,
                  const std::filesystem::path& profile, const std::vector<std::string>& mode) {
  auto result = run_process(page.command_line(file, profile, mode), {{"HOME", profile.string()}},
                            page.timeout);
  if (result.timed_out) throw std::runtime_error("Chromium timed out on " + file.string());
  if (result.exit_code != 0) {
    throw std::runtime_error("Chromium exited with " + std::to_string(result.exit_code) + ": " +
                             last_line(result.err));
  }
  return result;
}

uint32_t big_endian(const std::string& bytes, std::size_t at) {
  return uint32_t(uint8_t(bytes[at])) << 24 | uint32_t(uint8_t(bytes[at + 1])) << 16 |
         uint32_t(uint8_t(bytes[at + 2])) << 8 | uint32_t(uint8_t(bytes[at + 3]));
}

std::string inflate_all(const std::string& data) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) throw std::runtime_error("inflateInit failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[65536];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) throw std::runtime_error("PNG: damaged image data");
  return out;
}

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

}  // namespace

std::vector<std::string> ChromiumPage::command_line(const std::filesystem::path& file,
                                                    const std::filesystem::path& profile,
                                                    const std::vector<std::string>& mode) const {
  std::vector<std::string> args = {binary, "--headless"};
  if (::geteuid() == 0) args.push_back("--no-sandbox");  // Chromium refuses root otherwise
  for (const char* flag :
       {"--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
        "--mute-audio", "--disable-extensions", "--disable-features=NetworkTimeServiceQuerying"}) {
    args.emplace_back(flag);
  }
  args.push_back("--user-data-dir=" + profile.string());
  if (proxy_port) {
    // Chromium's own services (component updater, sign-in, network time) call Google whatever
    // the page is, and no flag stops them all: those exact hosts skip the proxy and resolve to
    // nothing, so they never leave the machine and never count as the page's requests. Every
    // other host, loopback and fonts.googleapis.com included, goes to the proxy.
    std::string bypass = "<-loopback>", rules;
    for (const char* host : kChromiumServiceHosts) {
      bypass += std::string(";") + host;
      rules += std::string(rules.empty() ? "" : ", ") + "MAP " + host + " ~NOTFOUND";
    }
    args.push_back("--proxy-server=http://127.0.0.1:" + std::to_string(*proxy_port));
    args.push_back("--proxy-bypass-list=" + bypass);
    args.push_back("--host-resolver-rules=" + rules);
  }
  args.insert(args.end(), mode.begin(), mode.end());
  args.push_back("file://" + std::filesystem::absolute(file).string());
  return args;
}

std::string ChromiumPage::screenshot(const std::filesystem::path& file, int width,
                                     int height) const {
  TempProfile profile;
  const auto png = profile.path() / "shot.png";
  run(*this, file, profile.path(),
      {"--window-size=" + std::to_string(width) + "," + std::to_string(height),
       "--screenshot=" + png.string()});
  std::ifstream in(png, std::ios::binary);
  if (!in) throw std::runtime_error("Chromium wrote no screenshot of " + file.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string ChromiumPage::dump_dom(const std::filesystem::path& file, int width, int height) const {
  TempProfile profile;
  return run(*this, file, profile.path(),
             {"--window-size=" + std::to_string(width) + "," + std::to_string(height),
              "--dump-dom"})
      .out;
}

PngImage decode_png(const std::string& bytes) {
  static const std::string kSignature = "\x89PNG\r\n\x1a\n";
  if (bytes.compare(0, kSignature.size(), kSignature) != 0) {
    throw std::runtime_error("not a PNG");
  }
  PngImage image;
  int colour_type = -1;
  std::string data;
  for (std::size_t at = kSignature.size(); at + 12 <= bytes.size();) {
    const uint32_t length = big_endian(bytes, at);
    if (at + 12 + length > bytes.size()) throw std::runtime_error("PNG: truncated chunk");
    const std::string type = bytes.substr(at + 4, 4);
    if (type == "IHDR") {
      image.width = static_cast<int>(big_endian(bytes, at + 8));
      image.height = static_cast<int>(big_endian(bytes, at + 12));
      colour_type = uint8_t(bytes[at + 17]);
      if (bytes[at + 16] != 8 || bytes[at + 20] != 0) {
        throw std::runtime_error("PNG: only 8-bit, non-interlaced images");
      }
    } else if (type == "IDAT") {
      data += bytes.substr(at + 8, length);
    }
    at += 12 + length;
  }
  const int channels = colour_type == 0   ? 1
                       : colour_type == 2 ? 3
                       : colour_type == 4 ? 2
                       : colour_type == 6 ? 4
                                          : 0;
  if (channels == 0 || image.width <= 0 || image.height <= 0) {
    throw std::runtime_error("PNG: unsupported colour type " + std::to_string(colour_type));
  }
  const std::string raw = inflate_all(data);
  const std::size_t stride = std::size_t(image.width) * std::size_t(channels);
  if (raw.size() < (stride + 1) * std::size_t(image.height)) {
    throw std::runtime_error("PNG: short image data");
  }
  std::vector<uint8_t> previous(stride, 0), row(stride);
  image.rgba.reserve(std::size_t(image.width) * std::size_t(image.height));
  for (int y = 0; y < image.height; ++y) {
    const std::size_t start = std::size_t(y) * (stride + 1);
    const int filter = uint8_t(raw[start]);
    for (std::size_t x = 0; x < stride; ++x) {
      const int in = uint8_t(raw[start + 1 + x]);
      const int a = x >= std::size_t(channels) ? row[x - std::size_t(channels)] : 0;
      const int b = previous[x];
      const int c = x >= std::size_t(channels) ? previous[x - std::size_t(channels)] : 0;
      const int predictor = filter == 0   ? 0
                            : filter == 1 ? a
                            : filter == 2 ? b
                            : filter == 3 ? (a + b) / 2
                            : filter == 4 ? paeth(a, b, c)
                                          : -1;
      if (predictor < 0) throw std::runtime_error("PNG: bad filter type");
      row[x] = static_cast<uint8_t>((in + predictor) & 0xff);
    }
    for (int x = 0; x < image.width; ++x) {
      const uint8_t* p = &row[std::size_t(x) * std::size_t(channels)];
      uint32_t r = p[0], g = p[0], b = p[0], alpha = 255;
      if (channels >= 3) g = p[1], b = p[2];
      if (channels == 2) alpha = p[1];
      if (channels == 4) alpha = p[3];
      image.rgba.push_back(r << 24 | g << 16 | b << 8 | alpha);
    }
    previous = row;
  }
  return image;
}

std::size_t distinct_colours(const PngImage& image) {
  return std::unordered_set<uint32_t>(image.rgba.begin(), image.rgba.end()).size();
}

}  // namespace kz::test
