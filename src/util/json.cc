#include "fleetlab/util/json.h"

#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace fleetlab {
namespace {

using nlohmann::json;

// A pointer into the text that records, in *cursor, how far the parser has
// read: the SAX interface reports no position for keys and brackets, so this
// is how a duplicate key or a too-deep bracket gets its line.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* at, const char** cursor) : at_(at), cursor_(cursor) {}
  reference operator*() const { return *at_; }
  CountingIterator& operator++() {
    *cursor_ = ++at_;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return at_ == other.at_; }
  bool operator!=(const CountingIterator& other) const { return at_ != other.at_; }

 private:
  const char* at_;
  const char** cursor_;
};

// Line and column (both from 1) of the byte at `index` (the end of the text
// when it lies beyond).
std::pair<std::size_t, std::size_t> LineColumn(std::string_view text, std::size_t index) {
  index = std::min(index, text.size());
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < index; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, index - line_start + 1};
}

// The nlohmann message without its "[json.exception.parse_error.101] parse
// error at line 1, column 12: " prefix (we give the position ourselves).
std::string Description(const std::string& message) {
  const auto column = message.find("column ");
  const auto colon = column == std::string::npos ? message.find("] ") : message.find(": ", column);
  if (colon == std::string::npos) return message;
  return message.substr(colon + 2);
}

// Builds the document from SAX events, as nlohmann's own DOM parser does,
// but refuses depth beyond kMaxJsonDepth and duplicate keys as they are read.
class BoundedBuilder {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  BoundedBuilder(std::string_view text, const char** cursor) : text_(text), cursor_(cursor) {}

  bool null() { return Add(nullptr); }
  bool boolean(bool v) { return Add(v); }
  bool number_integer(number_integer_t v) { return Add(v); }
  bool number_unsigned(number_unsigned_t v) { return Add(v); }
  bool number_float(number_float_t v, const string_t& /*text*/) { return Add(v); }
  bool string(string_t& v) { return Add(std::move(v)); }
  bool binary(binary_t& v) { return Add(json::binary(std::move(v))); }  // never from JSON text
  bool start_object(std::size_t /*size*/) { return Open(json::object()); }
  bool start_array(std::size_t /*size*/) { return Open(json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(string_t& k) {
    json& object = *open_.back();
    if (object.contains(k)) {
      const auto [line, column] = Here();
      return Fail(JsonError::kDuplicateKey, fmt::format("line {}: duplicate key {}", line, json(k).dump()));
    }
    slot_ = &object[k];
    return true;
  }

  // `read` counts the characters the lexer has read (the offending one last).
  template <class Exception>
  bool parse_error(std::size_t read, const std::string& token, const Exception& e) {
    if (e.id == 406) {  // out_of_range.406: a number beyond double range; point at its first digit
      const auto [line, column] = LineColumn(text_, read - std::min(read, token.size()));
      const std::string number = token.size() > 40 ? token.substr(0, 37) + "..." : token;
      return Fail(JsonError::kNumberRange,
                  fmt::format("line {}, column {}: the number {} is beyond the range of a double (magnitude at most "
                              "1.8e308)", line, column, number));
    }
    const auto [line, column] = LineColumn(text_, read > 0 ? read - 1 : 0);
    return Fail(JsonError::kSyntax,
                fmt::format("not valid JSON: line {}, column {}: {}", line, column, Description(e.what())));
  }

  JsonError error() const { return error_; }
  const std::string& message() const { return message_; }
  json& root() { return root_; }

 private:
  // The position of the last character read (the key's closing quote, the bracket).
  std::pair<std::size_t, std::size_t> Here() const {
    const auto read = static_cast<std::size_t>(*cursor_ - text_.data());
    return LineColumn(text_, read > 0 ? read - 1 : 0);
  }

  // Stores `v` where the next value goes; returns where it went.
  json* Place(json v) {
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& top = *open_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    *slot_ = std::move(v);
    return slot_;
  }
  bool Add(json v) {
    Place(std::move(v));
    return true;
  }
  bool Open(json container) {
    if (open_.size() >= static_cast<std::size_t>(kMaxJsonDepth)) {
      const auto [line, column] = Here();
      return Fail(JsonError::kTooDeep, fmt::format("line {}, column {}: nested deeper than {} arrays and objects "
                                                   "(the most allowed)", line, column, kMaxJsonDepth));
    }
    open_.push_back(Place(std::move(container)));
    return true;
  }
  bool Close() {
    open_.pop_back();
    return true;
  }
  bool Fail(JsonError kind, std::string message) {
    error_ = kind;
    message_ = std::move(message);
    return false;
  }

  std::string_view text_;
  const char** cursor_;
  json root_;
  std::vector<json*> open_;  // the arrays and objects still open, outermost first
  json* slot_ = nullptr;     // the member the last key named
  JsonError error_ = JsonError::kNone;
  std::string message_;
};

}  // namespace

Result<json> ParseJsonText(std::string_view text, const std::string& what, JsonError* error) {
  const char* cursor = text.data();
  BoundedBuilder builder(text, &cursor);
  const CountingIterator first(text.data(), &cursor), last(text.data() + text.size(), &cursor);
  const bool ok = json::sax_parse(first, last, &builder, json::input_format_t::json, true);
  if (error != nullptr) *error = ok ? JsonError::kNone : builder.error();
  if (ok) return std::move(builder.root());
  std::string message = builder.message();
  if (message.empty()) message = "not valid JSON";  // not reached: every refusal sets a message
  return Status::InvalidArgument(what.empty() ? message : what + ": " + message);
}

}  // namespace fleetlab
