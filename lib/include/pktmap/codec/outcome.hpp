#pragma once
// Named parse outcomes. Per-packet problems are values, never exceptions: a codec returns ok, truncated,
// invalid or unsupported, and every non-ok outcome carries a stable snake_case name (e.g.
// "nsh_length_too_short") that reports, --stats and counters print verbatim. Names are string literals,
// so copying an Outcome never allocates.
#include <cstdint>
#include <string_view>
#include <utility>

namespace pktmap {

enum class Status : std::uint8_t { ok, truncated, invalid, unsupported };

constexpr std::string_view status_name(Status s) {
  switch (s) {
    case Status::ok:
      return "ok";
    case Status::truncated:
      return "truncated";
    case Status::invalid:
      return "invalid";
    case Status::unsupported:
      return "unsupported";
  }
  return "?";
}

struct Outcome {
  Status status = Status::ok;
  std::string_view name = "ok";  // stable counter name; always a string literal

  [[nodiscard]] constexpr bool ok() const { return status == Status::ok; }
  friend constexpr bool operator==(const Outcome& a, const Outcome& b) {
    return a.status == b.status && a.name == b.name;
  }
};

constexpr Outcome ok_outcome() {
  return {};
}
constexpr Outcome truncated(std::string_view name) {
  return {Status::truncated, name};
}
constexpr Outcome invalid(std::string_view name) {
  return {Status::invalid, name};
}
constexpr Outcome unsupported(std::string_view name) {
  return {Status::unsupported, name};
}

// A parsed value plus how parsing went. T is a small view type, default-constructible and cheap to copy.
template <class T>
class [[nodiscard]] Result {
 public:
  constexpr Result(T value) : value_(std::move(value)) {}   // NOLINT: implicit on success is the point
  constexpr Result(Outcome outcome) : outcome_(outcome) {}  // NOLINT
  constexpr Result(T value, Outcome outcome) : value_(std::move(value)), outcome_(outcome) {}

  [[nodiscard]] constexpr bool ok() const { return outcome_.ok(); }
  constexpr explicit operator bool() const { return ok(); }
  [[nodiscard]] constexpr const Outcome& outcome() const { return outcome_; }
  [[nodiscard]] constexpr Status status() const { return outcome_.status; }
  [[nodiscard]] constexpr std::string_view name() const { return outcome_.name; }
  // The value; on failure it holds whatever was parsed before the problem (fields may be partial).
  [[nodiscard]] constexpr const T& value() const { return value_; }
  constexpr const T* operator->() const { return &value_; }
  constexpr const T& operator*() const { return value_; }

 private:
  T value_{};
  Outcome outcome_{};
};

}  // namespace pktmap
