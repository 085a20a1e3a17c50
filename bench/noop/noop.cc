// A C++ process that does nothing but is linked like the generator (libstdc++, fmt, inih) or
// the command (libsystemd too): what any C++ program of ours pays before its first line.
// bench/generator.sh and bench/cli-host.sh build it with --no-as-needed, so the libraries
// load although nothing is used.
#include <fmt/format.h>
#include <ini.h>

#include <string>

int main() {
  std::string unused;  // libstdc++'s start-up, as in the generator
  return static_cast<int>(unused.size());
}
