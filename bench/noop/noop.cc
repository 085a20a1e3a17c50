// A C++ process that does nothing but is linked like the generator (libstdc++, fmt, inih,
// loaded even though unused): what any C++ generator of ours pays before its first line.
// bench/generator.sh builds it with --no-as-needed so the libraries really load.
#include <fmt/format.h>
#include <ini.h>

#include <string>

int main() {
  std::string unused;  // libstdc++'s start-up, as in the generator
  return static_cast<int>(unused.size());
}
