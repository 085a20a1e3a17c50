#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "error.h"

namespace dfg {

/// `path` (absolute) as seen under `root`: join_root("/tmp/r", "/etc/x") is "/tmp/r/etc/x";
/// with root "/" or "" the path is returned unchanged.
std::string join_root(std::string_view root, std::string_view path);

/// The whole file, or the reason (strerror) it cannot be read; the caller names the path.
Expected<std::string> read_file(const std::string& path);

/// The names in a directory, sorted, without "." and ".."; empty when it cannot be read.
std::vector<std::string> list_dir(const std::string& path);

/// True when `path` exists, not following a final symbolic link (lstat(2)).
bool entry_exists(const std::string& path);

enum class EntryKind { Missing, Null, Empty, Other };

/// What `path` is for masking purposes: Null when it is a symbolic link whose text is
/// "/dev/null" or it resolves to a character device, Empty for an empty regular file
/// (systemd treats both as masked), Missing when neither it nor its link target exists.
/// Absolute link targets are resolved under `root`.
EntryKind classify_entry(std::string_view root, const std::string& path);

/// Writes `text` to DIR/NAME (mode 0644) through a temporary file in DIR and rename(2), so
/// readers see the old file or the new one, never a part. Leaves nothing behind on failure.
Expected<Ok> write_file_atomic(const std::string& dir, const std::string& name,
                               std::string_view text);

/// mkdir(2) that accepts an existing directory; returns "PATH: reason" on failure.
Expected<Ok> make_directory(const std::string& path);

}  // namespace dfg
