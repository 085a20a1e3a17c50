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

/// A value or an error message, for failures the caller is expected to handle.
template <typename T>
class Expected {
 public:
  Expected(T value) : m_data(std::move(value)) {}  // NOLINT: implicit by design

  static Expected failure(std::string message) {
    Expected e{T{}};
    e.m_data = Failure{std::move(message)};
    return e;
  }

  bool ok() const { return std::holds_alternative<T>(m_data); }
  explicit operator bool() const { return ok(); }

  /// The value; throws Error with the message when this holds an error.
  const T& value() const& {
    if (!ok()) throw Error(error());
    return std::get<T>(m_data);
  }
  T&& value() && {
    if (!ok()) throw Error(error());
    return std::get<T>(std::move(m_data));
  }

  /// The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? std::get<T>(m_data) : std::move(fallback); }

  /// The error message; empty when this holds a value.
  const std::string& error() const {
    static const std::string none;
    return ok() ? none : std::get<Failure>(m_data).message;
  }

 private:
  struct Failure {
    std::string message;
  };
  std::variant<T, Failure> m_data;
};

}  // namespace dfg
