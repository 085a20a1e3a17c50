# Every dependency comes from the distribution; nothing is downloaded.
find_package(PkgConfig REQUIRED)
pkg_check_modules(INIH REQUIRED IMPORTED_TARGET inih)
# sd-bus and sd-journal, for the command only: the generator must not use IPC.
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
find_package(fmt 6 REQUIRED)
find_package(nlohmann_json 3.6 REQUIRED)
find_package(CLI11 REQUIRED)
# Docker's Engine API over its unix socket, for the command only (system/).
find_package(CURL 7.40 REQUIRED)
# Connection tracking over netlink, for the command only (system/).
pkg_check_modules(NFCT REQUIRED IMPORTED_TARGET libnetfilter_conntrack)
