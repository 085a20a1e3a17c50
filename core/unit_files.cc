#include "unit_files.h"

#include "fs.h"
#include "unit_name.h"

namespace dfg {

const char* const unit_search_path[5] = {"/etc/systemd/system", "/run/systemd/system",
                                         "/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
                                         "/lib/systemd/system"};

UnitLookup UnitFiles::find(std::string_view unit) const {
  if (!is_valid_unit_name(unit)) return {};
  for (const char* dir : unit_search_path) {
    const std::string path = std::string(dir) + "/" + std::string(unit);
    switch (classify_entry(m_root, join_root(m_root, path))) {
      case EntryKind::Missing:
      case EntryKind::Special: continue;  // systemd only loads regular files and links
      case EntryKind::Null:
      case EntryKind::Empty: return {UnitLookup::State::Masked, path, {}};
      case EntryKind::Regular: {
        auto name = final_link_name(m_root, join_root(m_root, path));
        if (name == unit) name.clear();
        return {UnitLookup::State::Found, path, std::move(name)};
      }
    }
  }
  const auto templ = unit_template_of(unit);
  return templ.empty() ? UnitLookup{} : find(templ);
}

bool UnitFiles::is_enabled(std::string_view unit) const {
  if (!is_valid_unit_name(unit)) return false;
  const std::string etc = join_root(m_root, "/etc/systemd/system");
  for (const auto& name : list_dir(etc)) {
    if (!ends_with(name, ".wants") && !ends_with(name, ".requires")) continue;
    // Any entry counts, even a dangling link: the link is what enabling makes.
    if (entry_exists(etc + "/" + name + "/" + std::string(unit))) return true;
  }
  return false;
}

}  // namespace dfg
