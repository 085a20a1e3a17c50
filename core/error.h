#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace dfg {

/// The project's one exception type. Thrown only where a program cannot go on; `main`
/// catches it, prints what() and maps it to an exit code.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Marks success for calls that return nothing else.
struct Ok {};

/// A failure of any value type: `return fail("PATH: reason");` from a function returning
/// Expected<T>, and `return fail(other);` to pass on another Expected's failure unchanged.
struct Failure {
  std::string message;
};

inline Failure fail(std::string message) { return Failure{std::move(message)}; }

/// A value or an error message, for failures the caller is expected to handle. T need not
/// be default-constructible.
template <typename T>
class Expected {
 public:
  Expected(T value) : m_data(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Expected(Failure failure)                                                // NOLINT: implicit
      : m_data(std::in_place_index<1>, std::move(failure)) {}

  bool ok() const { return m_data.index() == 0; }
  explicit operator bool() const { return ok(); }

  /// The value; throws Error with the message when this holds an error.
  const T& value() const& {
    if (!ok()) throw Error(error());
    return std::get<0>(m_data);
  }
  T&& value() && {
    if (!ok()) throw Error(error());
    return std::get<0>(std::move(m_data));
  }

  /// The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? std::get<0>(m_data) : std::move(fallback); }

  /// The error message; empty when this holds a value.
  const std::string& error() const {
    static const std::string none;
    return ok() ? none : std::get<1>(m_data).message;
  }

 private:
  std::variant<T, Failure> m_data;
};

/// The failure `e` holds, for an Expected of another type: `return fail(e);`. Only for an
/// Expected that holds an error.
template <typename T>
Failure fail(const Expected<T>& e) {
  return Failure{e.error()};
}

}  // namespace dfg
