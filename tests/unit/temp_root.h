#pragma once

#include <string>
#include <string_view>

namespace dfg::test {

/// A fresh directory tree for one test, removed with everything in it on destruction.
class TempRoot {
 public:
  TempRoot();
  ~TempRoot();
  TempRoot(const TempRoot&) = delete;
  TempRoot& operator=(const TempRoot&) = delete;

  const std::string& path() const { return m_path; }

  /// Writes `text` to `rel` (a path like "/etc/x.conf" under the root), creating parents.
  void write(std::string_view rel, std::string_view text) const;
  /// Makes a symbolic link `rel` whose text is `target`, creating parents.
  void link(std::string_view rel, std::string_view target) const;
  /// Creates the directory `rel` and its parents.
  void mkdirs(std::string_view rel) const;

 private:
  std::string m_path;
};

}  // namespace dfg::test
