#include "common/json_exact.hpp"

#include <string>
#include <vector>

namespace kz {
namespace {

using json = nlohmann::json;

// Builds the DOM from nlohmann::json's SAX events, numbers as their text.
class ExactDomBuilder : public nlohmann::json_sax<json> {
 public:
  explicit ExactDomBuilder(json& root) : root_(root) {}

  bool null() override { return put(json(nullptr)); }
  bool boolean(bool value) override { return put(json(value)); }
  bool number_integer(number_integer_t value) override { return put(std::to_string(value)); }
  bool number_unsigned(number_unsigned_t value) override { return put(std::to_string(value)); }
  bool number_float(number_float_t /*value*/, const string_t& text) override { return put(text); }
  bool string(string_t& value) override { return put(std::move(value)); }
  bool binary(binary_t& value) override { return put(json::binary(std::move(value))); }
  bool start_object(std::size_t /*elements*/) override {
    open_.push_back(put_container(json::object()));
    return true;
  }
  bool key(string_t& name) override {
    key_ = std::move(name);
    return true;
  }
  bool end_object() override {
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*elements*/) override {
    open_.push_back(put_container(json::array()));
    return true;
  }
  bool end_array() override {
    open_.pop_back();
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& /*error*/) override {
    return false;
  }

 private:
  bool put(json value) {
    put_container(std::move(value));
    return true;
  }
  // Places `value` in the open array or object (or as the root); returns where it went.
  json* put_container(json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(value);
    return &slot;
  }

  json& root_;
  std::vector<json*> open_;  // the arrays and objects being filled, innermost last
  std::string key_;
};

}  // namespace

nlohmann::json parse_json_exact(std::string_view text) {
  json root;
  ExactDomBuilder builder(root);
  if (!json::sax_parse(text, &builder, json::input_format_t::json, true)) {
    return json(json::value_t::discarded);
  }
  return root;
}

}  // namespace kz
