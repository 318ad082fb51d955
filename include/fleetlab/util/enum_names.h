// EnumNames: one table of {value, "name"} pairs per enum, from which its
// parser, its printer and its count all derive, so adding a value is one
// line and names never depend on the enumerators' positions.
//
//   inline constexpr EnumNames<Color, 2> kColorNames{{{Color::kRed, "red"}, {Color::kBlue, "blue"}}};
//   kColorNames.Name(Color::kRed) == "red";  kColorNames.Parse("blue") == Color::kBlue;
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetlab {

template <typename E>
struct EnumName {
  E value;
  const char* name;
};

template <typename E, std::size_t N>
struct EnumNames {
  std::array<EnumName<E>, N> entries;

  static constexpr std::size_t size() { return N; }

  // The value's name, or "unknown" for a value not in the table.
  constexpr const char* Name(E value) const {
    for (const auto& e : entries) {
      if (e.value == value) return e.name;
    }
    return "unknown";
  }
  // The value named `name`, or nullopt.
  constexpr std::optional<E> Parse(std::string_view name) const {
    for (const auto& e : entries) {
      if (name == e.name) return e.value;
    }
    return std::nullopt;
  }
  // The value's position in the table (N for one not in it).
  constexpr std::size_t IndexOf(E value) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (entries[i].value == value) return i;
    }
    return N;
  }
  // Every name, in table order (for "must be one of ..." messages).
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    names.reserve(N);
    for (const auto& e : entries) names.emplace_back(e.name);
    return names;
  }
};

// Deduces N: `constexpr auto kNames = MakeEnumNames<E>({{E::kA, "a"}, ...});`
template <typename E, std::size_t N>
constexpr EnumNames<E, N> MakeEnumNames(const EnumName<E> (&entries)[N]) {
  EnumNames<E, N> names{};
  for (std::size_t i = 0; i < N; ++i) names.entries[i] = entries[i];
  return names;
}

}  // namespace fleetlab
