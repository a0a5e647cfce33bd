#include "support/report/chart_images.hpp"

#include <zlib.h>

#include <array>
#include <set>
#include <stdexcept>

namespace kz::test {
namespace {

std::string decode_entities(const std::string& text) {
  static const std::pair<const char*, const char*> entities[] = {{"&lt;", "<"},    {"&gt;", ">"},
                                                                 {"&quot;", "\""}, {"&apos;", "'"},
                                                                 {"&#39;", "'"},   {"&amp;", "&"}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& [entity, character] : entities) {
      if (text.compare(i, std::string(entity).size(), entity) == 0) {
        out += character;
        i += std::string(entity).size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

// The value of attribute `name` in a start tag's text, or "".
std::string attribute(const std::string& tag, const std::string& name) {
  for (std::size_t at = tag.find(name); at != std::string::npos; at = tag.find(name, at + 1)) {
    std::size_t i = at + name.size();
    if (at > 0 && !std::isspace(static_cast<unsigned char>(tag[at - 1]))) continue;
    while (i < tag.size() && tag[i] == ' ') ++i;
    if (i >= tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && tag[i] == ' ') ++i;
    if (i >= tag.size() || (tag[i] != '"' && tag[i] != '\'')) continue;
    const std::size_t end = tag.find(tag[i], i + 1);
    if (end == std::string::npos) return "";
    return tag.substr(i + 1, end - i - 1);
  }
  return "";
}

}  // namespace

SvgSummary parse_svg(const std::string& svg) {
  SvgSummary summary;
  struct Open {
    std::string name;
    int plot = -1;  // index into summary.plots of the plot group this element opened
  };
  std::vector<Open> stack;
  int plot = -1;              // the plot group we are in
  std::string text, text_of;  // character data since the last tag, and the element it is in
  for (std::size_t i = 0; i < svg.size();) {
    if (svg[i] != '<') {
      text += svg[i++];
      continue;
    }
    const auto fail = [&](const std::string& why) {
      throw std::runtime_error("SVG not well-formed at byte " + std::to_string(i) + ": " + why);
    };
    if (svg.compare(i, 4, "<!--") == 0) {
      const std::size_t end = svg.find("-->", i);
      if (end == std::string::npos) fail("comment not closed");
      i = end + 3;
      continue;
    }
    if (svg.compare(i, 2, "<?") == 0 || svg.compare(i, 2, "<!") == 0) {
      const std::size_t end = svg.find('>', i);
      if (end == std::string::npos) fail("declaration not closed");
      i = end + 1;
      continue;
    }
    // The tag's end: the first '>' outside quotes.
    std::size_t end = i + 1;
    for (char quote = 0; end < svg.size() && (quote != 0 || svg[end] != '>'); ++end) {
      if (quote == 0 && (svg[end] == '"' || svg[end] == '\'')) {
        quote = svg[end];
      } else if (quote != 0 && svg[end] == quote) {
        quote = 0;
      }
    }
    if (end >= svg.size()) fail("tag not closed");
    const std::string tag = svg.substr(i, end + 1 - i);
    i = end + 1;
    if (tag[1] == '/') {
      const std::string name = tag.substr(2, tag.find_first_of(" >", 2) - 2);
      if (stack.empty() || stack.back().name != name) {
        fail("</" + name + "> closes <" + (stack.empty() ? "" : stack.back().name) + ">");
      }
      if (name == "title" && stack.size() >= 2 && stack[stack.size() - 2].plot >= 0) {
        summary.plots[static_cast<std::size_t>(stack[stack.size() - 2].plot)].title =
            decode_entities(text);
      } else if (name == "title" && summary.title.empty()) {
        summary.title = decode_entities(text);
      }
      if (name == "text" || name == "tspan") summary.texts.push_back(decode_entities(text));
      if (stack.back().plot >= 0) {
        plot = -1;
        for (const Open& open : stack) {
          if (&open != &stack.back() && open.plot >= 0) plot = open.plot;
        }
      }
      stack.pop_back();
      text.clear();
      continue;
    }
    const std::size_t name_end = tag.find_first_of(" \t\r\n/>", 1);
    const std::string name = tag.substr(1, name_end - 1);
    if (name.empty()) fail("empty tag name");
    const bool self_closing = tag[tag.size() - 2] == '/';
    if (plot >= 0) {
      SvgPlot& current = summary.plots[static_cast<std::size_t>(plot)];
      if (name == "path") {
        ++current.paths;
        const std::string d = attribute(tag, "d");
        for (const char c : d) current.points += c == ',' ? 1 : 0;
      } else if (name == "polygon") {
        ++current.polygons;
      }
    }
    Open open{name, -1};
    const std::string id = attribute(tag, "id");
    if (name == "g" && id.rfind("gnuplot_plot_", 0) == 0) {
      summary.plots.push_back(SvgPlot{id, "", 0, 0, 0});
      open.plot = static_cast<int>(summary.plots.size() - 1);
    }
    if (!self_closing) {
      stack.push_back(open);
      if (open.plot >= 0) plot = open.plot;
    }
    text.clear();
  }
  if (!stack.empty())
    throw std::runtime_error("SVG not well-formed: <" + stack.back().name + "> never closed");
  return summary;
}

namespace {

uint32_t big_endian(const std::string& bytes, std::size_t at) {
  if (at + 4 > bytes.size()) throw std::runtime_error("PNG cut short");
  uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i)
    value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

}  // namespace

PngImage decode_png(const std::string& png) {
  static const std::string signature("\x89PNG\r\n\x1a\n", 8);
  if (png.compare(0, 8, signature) != 0) throw std::runtime_error("no PNG signature");
  PngImage image;
  int channels = 0;
  std::string idat;
  for (std::size_t at = 8; at < png.size();) {
    const uint32_t length = big_endian(png, at);
    if (at + 12 + length > png.size()) throw std::runtime_error("PNG chunk cut short");
    const std::string type = png.substr(at + 4, 4);
    const std::string data = png.substr(at + 8, length);
    const uLong crc =
        crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>(png.data() + at + 4),
              static_cast<uInt>(length + 4));
    if (crc != big_endian(png, at + 8 + length)) throw std::runtime_error("bad CRC in " + type);
    if (type == "IHDR") {
      image.width = big_endian(data, 0);
      image.height = big_endian(data, 4);
      const int depth = data[8], colour_type = data[9], interlace = data[12];
      if (depth != 8 || interlace != 0 || (colour_type != 2 && colour_type != 6)) {
        throw std::runtime_error("PNG kind not handled here");
      }
      channels = colour_type == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      idat += data;
    } else if (type == "IEND") {
      break;
    }
    at += 12 + length;
  }
  if (channels == 0) throw std::runtime_error("PNG without IHDR");
  const std::size_t stride = image.width * static_cast<std::size_t>(channels);
  std::string raw((stride + 1) * image.height, '\0');
  uLongf raw_size = static_cast<uLongf>(raw.size());
  if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                 reinterpret_cast<const Bytef*>(idat.data()),
                 static_cast<uLong>(idat.size())) != Z_OK ||
      raw_size != raw.size()) {
    throw std::runtime_error("IDAT does not inflate to the image's size");
  }
  std::vector<unsigned char> previous(stride, 0), row(stride);
  std::set<std::string> colours;
  for (uint32_t y = 0; y < image.height; ++y) {
    const std::size_t base = y * (stride + 1);
    const int filter = static_cast<unsigned char>(raw[base]);
    for (std::size_t x = 0; x < stride; ++x) {
      const int value = static_cast<unsigned char>(raw[base + 1 + x]);
      const int a =
          x >= static_cast<std::size_t>(channels) ? row[x - static_cast<std::size_t>(channels)] : 0;
      const int b = previous[x];
      const int c = x >= static_cast<std::size_t>(channels)
                        ? previous[x - static_cast<std::size_t>(channels)]
                        : 0;
      int predictor = 0;
      switch (filter) {
        case 0:
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) / 2;
          break;
        case 4:
          predictor = paeth(a, b, c);
          break;
        default:
          throw std::runtime_error("bad PNG row filter");
      }
      row[x] = static_cast<unsigned char>((value + predictor) & 0xff);
    }
    for (std::size_t x = 0; x < stride; x += static_cast<std::size_t>(channels)) {
      colours.insert(
          std::string(reinterpret_cast<const char*>(&row[x]), static_cast<std::size_t>(channels)));
    }
    previous = row;
  }
  image.colours = colours.size();
  return image;
}

PoolHistory random_history(std::mt19937& random, const ReportWindow& window, std::size_t points) {
  static const std::array<const char*, 7> names = {"kz_pool^1",   "a'b\"c\\d",  "{x}@&~ 50%",
                                                   "Ünïcode пул", "<tag>&amp;", "with\nnewline",
                                                   "plain"};
  const auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  const auto chance = [&](double p) { return std::bernoulli_distribution(p)(random); };
  PoolHistory history;
  history.pool.id = 1;
  history.pool.account = names[pick(names.size())];
  history.pool.source = chance(0.5) ? "btcpool" : "antpool";
  history.pool.observer_url = "https://btcpool.kz/observer?access_key=REDACTED";

  const double scale = std::uniform_real_distribution<double>(5e13, 5e15)(random);
  TimePointMs at = window.from - std::chrono::hours(12);
  for (std::size_t i = 0; i < points; ++i) {
    at += std::chrono::milliseconds(
        std::uniform_int_distribution<int64_t>(120'000, 1'200'000)(random));
    if (chance(0.01)) at += std::chrono::hours(std::uniform_int_distribution<int>(2, 10)(random));
    HashratePoint point;
    point.at = at;
    point.hashrate_hs = scale * std::uniform_real_distribution<double>(0.2, 1.2)(random);
    if (chance(0.7)) point.hashrate_24h_hs = scale * 0.8;
    point.workers_online = std::uniform_int_distribution<int64_t>(0, 200)(random);
    point.workers_offline = std::uniform_int_distribution<int64_t>(0, 20)(random);
    history.points.push_back(point);
  }
  const auto seconds_in = [&](TimePoint from, TimePoint to) {
    return from + std::chrono::seconds(
                      std::uniform_int_distribution<int64_t>(0, (to - from).count())(random));
  };
  const std::size_t alerts = pick(5);
  for (std::size_t i = 0; i < alerts; ++i) {
    AlertPeriod alert;
    alert.type = chance(0.5) ? "hashrate_drop" : "worker_offline";
    alert.subject = alert.type == "worker_offline" ? names[pick(names.size())] : "";
    alert.severity = std::array<const char*, 3>{"low", "medium", "high"}[pick(3)];
    alert.message = "message";
    alert.opened_at =
        seconds_in(window.from - std::chrono::hours(48), window.to + std::chrono::hours(24));
    alert.last_seen_at = alert.opened_at;
    if (chance(0.7)) {
      alert.resolved_at = alert.opened_at + std::chrono::minutes(std::uniform_int_distribution<int>(
                                                10, 2880)(random));
      alert.last_seen_at = *alert.resolved_at;
    }
    history.alerts.push_back(alert);
  }
  for (TimePoint day = std::chrono::floor<std::chrono::days>(window.from - std::chrono::hours(48));
       day < window.to + std::chrono::hours(24); day += std::chrono::hours(24)) {
    if (chance(0.2)) continue;
    PoolIncomeDay income;
    income.date = format_utc(day).substr(0, 10);
    income.income_sat = std::uniform_int_distribution<int64_t>(0, 5'000'000)(random);
    history.income.push_back(income);
  }
  return history;
}

}  // namespace kz::test
