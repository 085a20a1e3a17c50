#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "error.h"

namespace dfg {

/// True when `name` ends with `suffix` (file and unit names by their extension).
inline bool ends_with(std::string_view name, std::string_view suffix) {
  return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}

/// `path` (absolute) as seen under `root`: join_root("/tmp/r", "/etc/x") is "/tmp/r/etc/x";
/// with root "/" or "" the path is returned unchanged.
std::string join_root(std::string_view root, std::string_view path);

/// Files larger than this are refused: no config or daemon.json is anywhere near it.
constexpr std::size_t max_file_size = 1024 * 1024;

/// The whole of a regular file of at most `max_size` bytes, or the reason it cannot be read
/// (strerror, "not a regular file", "larger than 1 MiB"); the caller names the path. Never
/// blocks: a FIFO or device is refused, not opened for reading.
Expected<std::string> read_file(const std::string& path, std::size_t max_size = max_file_size);

/// The names in a directory, sorted, without "." and ".."; empty when it cannot be read.
std::vector<std::string> list_dir(const std::string& path);

/// True when `path` exists, not following a final symbolic link (lstat(2)).
bool entry_exists(const std::string& path);

enum class EntryKind { Missing, Null, Empty, Regular, Special };

/// What `path` is, following links the way systemd does for unit and config files: Null
/// for a link whose text is "/dev/null" or anything resolving to a character device, Empty
/// for an empty regular file (systemd treats both as masks), Regular for a non-empty regular
/// file, Special for a directory, FIFO, socket or block device, Missing when neither it nor
/// its link target exists. Absolute link targets are resolved under `root`.
EntryKind classify_entry(std::string_view root, const std::string& path);

/// The file name a chain of symbolic links starting at `path` ends at, absolute link texts
/// resolved under `root`; the last part of `path` itself when it is not a link.
std::string final_link_name(std::string_view root, const std::string& path);

/// Writes `text` to DIR/NAME (with `mode`) through a temporary file in DIR and rename(2), so
/// readers see the old file or the new one, never a part. Leaves nothing behind on failure.
Expected<Ok> write_file_atomic(const std::string& dir, const std::string& name,
                               std::string_view text, unsigned mode = 0644);

/// mkdir(2) with `mode` that accepts an existing directory; returns "PATH: reason" on failure.
Expected<Ok> make_directory(const std::string& path, unsigned mode = 0755);

}  // namespace dfg
