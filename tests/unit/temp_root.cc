#include "temp_root.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dfg::test {

namespace fs = std::filesystem;

TempRoot::TempRoot() {
  std::string pattern = (fs::temp_directory_path() / "dfg-test.XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

TempRoot::~TempRoot() {
  std::error_code ignored;
  fs::remove_all(m_path, ignored);
}

void TempRoot::write(std::string_view rel, std::string_view text) const {
  const fs::path file = m_path + std::string(rel);
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

void TempRoot::link(std::string_view rel, std::string_view target) const {
  const fs::path file = m_path + std::string(rel);
  fs::create_directories(file.parent_path());
  fs::create_symlink(std::string(target), file);
}

void TempRoot::mkdirs(std::string_view rel) const {
  fs::create_directories(m_path + std::string(rel));
}

}  // namespace dfg::test
