#include "fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace dfg {
namespace {

std::string errno_message(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

/// The text of the symbolic link `path`; empty when it is not one or cannot be read.
std::string link_text(const std::string& path) {
  char link[4096];
  const ssize_t n = readlink(path.c_str(), link, sizeof link - 1);
  return n > 0 ? std::string(link, static_cast<std::size_t>(n)) : std::string();
}

/// Where the link `path` whose text is `text` points, an absolute text taken under `root`.
std::string link_target(std::string_view root, const std::string& path, const std::string& text) {
  return text.front() == '/' ? join_root(root, text) : path.substr(0, path.rfind('/') + 1) + text;
}

}  // namespace

std::string join_root(std::string_view root, std::string_view path) {
  if (root.empty() || root == "/") return std::string(path);
  std::string out(root);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (path.empty() || path.front() != '/') out += '/';
  out += path;
  return out;
}

Expected<std::string> read_file(const std::string& path, std::size_t max_size) {
  // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
  const int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return fail(std::strerror(errno));
  const auto close_and_fail = [fd](std::string reason) {
    close(fd);
    return fail(std::move(reason));
  };
  struct stat st {};
  if (fstat(fd, &st) < 0) return close_and_fail(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return close_and_fail("not a regular file");

  std::string text;
  char buffer[8192];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return close_and_fail(std::strerror(errno));
    }
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_size)
      return close_and_fail("larger than " + std::to_string(max_size / (1024 * 1024)) + " MiB");
  }
  close(fd);
  return text;
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  std::unique_ptr<DIR, DirCloser> dir(opendir(path.c_str()));
  if (!dir) return names;
  while (const dirent* entry = readdir(dir.get())) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool entry_exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

EntryKind classify_entry(std::string_view root, const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) < 0) return EntryKind::Missing;
  std::string target = path;
  if (S_ISLNK(st.st_mode)) {
    const auto text = link_text(path);
    if (text.empty()) return EntryKind::Missing;
    if (text == "/dev/null") return EntryKind::Null;
    target = link_target(root, path, text);
    // Follow what remains of the chain with the kernel: good enough for the relative
    // aliases packages install, and a dangling link is simply missing.
    if (stat(target.c_str(), &st) < 0) return EntryKind::Missing;
  }
  if (S_ISCHR(st.st_mode)) return EntryKind::Null;
  if (!S_ISREG(st.st_mode)) return EntryKind::Special;
  return st.st_size == 0 ? EntryKind::Empty : EntryKind::Regular;
}

std::string final_link_name(std::string_view root, const std::string& path) {
  std::string current = path;
  // systemd follows a chain of aliases too; a loop ends at the limit, as the kernel's does.
  for (int links = 0; links < 40; ++links) {
    const auto text = link_text(current);
    if (text.empty()) break;
    current = link_target(root, current, text);
  }
  return current.substr(current.rfind('/') + 1);
}

Expected<Ok> write_file_atomic(const std::string& dir, const std::string& name,
                               std::string_view text, unsigned mode) {
  const std::string path = dir + "/" + name;
  std::string temp = dir + "/." + name + ".XXXXXX";
  const int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return fail(errno_message(path, errno));

  int err = 0;
  for (std::size_t written = 0; err == 0 && written < text.size();) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n >= 0) {
      written += static_cast<std::size_t>(n);
    } else if (errno != EINTR) {
      err = errno;
    }
  }
  if (err == 0 && fchmod(fd, static_cast<mode_t>(mode)) < 0) err = errno;
  if (close(fd) < 0 && err == 0) err = errno;
  if (err == 0 && rename(temp.c_str(), path.c_str()) < 0) err = errno;
  if (err != 0) {
    unlink(temp.c_str());
    return fail(errno_message(path, err));
  }
  return Ok{};
}

Expected<Ok> make_directory(const std::string& path, unsigned mode) {
  if (mkdir(path.c_str(), static_cast<mode_t>(mode)) == 0) return Ok{};
  const int err = errno;
  struct stat st {};
  if (err == EEXIST && stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Ok{};
  return fail(errno_message(path, err));
}

}  // namespace dfg
