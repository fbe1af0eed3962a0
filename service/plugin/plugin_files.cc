#include "plugin/plugin_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pluton::storage {
namespace {

namespace fs = std::filesystem;

// "" when only root, or an owner other than the service's user, can change `path`.
std::string WhoElseCanWrite(const std::string& path, uid_t service_uid,
                            bool allow_owned_by_service_user) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return "";  // a dangling link: refused when loaded
  if (st.st_mode & S_IWOTH) return "everyone (mode o+w)";
  if (st.st_mode & S_IWGRP) return absl::StrCat("its group ", st.st_gid, " (mode g+w)");
  if (st.st_uid == service_uid && service_uid != 0 && !allow_owned_by_service_user) {
    return absl::StrCat("the service's own user ", service_uid, " (its owner)");
  }
  return "";
}

}  // namespace

absl::StatusOr<std::vector<fs::path>> ListPluginFiles(const std::string& directory) {
  constexpr absl::string_view fix =
      "; point --plugin_dir at the directory holding the provider plugins (*.so)";
  std::error_code ec;
  const fs::file_status status = fs::status(directory, ec);
  if (status.type() == fs::file_type::not_found) {
    return absl::NotFoundError(
        absl::StrCat("plugin directory ", directory, " does not exist", fix));
  }
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read plugin directory ", directory, ": ", ec.message(), fix));
  }
  if (status.type() != fs::file_type::directory) {
    return absl::FailedPreconditionError(
        absl::StrCat("plugin directory ", directory, " is not a directory", fix));
  }
  std::vector<fs::path> files;
  fs::directory_iterator it(directory, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    if (!absl::EndsWith(path.filename().string(), ".so")) continue;
    // Regular files, through symlinks. A dangling symlink is kept so that its refusal is
    // logged; directories, FIFOs (dlopen would block on them) and the like are skipped.
    std::error_code type_ec;
    const bool regular = it->is_regular_file(type_ec);
    const bool dangling = !regular && it->is_symlink(type_ec) &&
                          it->status(type_ec).type() == fs::file_type::not_found;
    if (regular || dangling) files.push_back(path);
  }
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read plugin directory ", directory, ": ", ec.message(), fix));
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return files;
}

absl::Status CheckPluginFilesTrusted(const std::string& directory, uid_t service_uid,
                                     bool allow_owned_by_service_user) {
  absl::StatusOr<std::vector<fs::path>> files = ListPluginFiles(directory);
  if (!files.ok()) return files.status();
  std::set<std::string> paths = {directory};
  for (const fs::path& file : *files) {
    paths.insert(file.string());
    std::error_code ec;
    const fs::path target = fs::canonical(file, ec);
    if (!ec) {
      paths.insert(target.string());
      paths.insert(target.parent_path().string());
    }
  }
  for (const std::string& path : paths) {
    const std::string writer = WhoElseCanWrite(path, service_uid, allow_owned_by_service_user);
    if (writer.empty()) continue;
    return absl::FailedPreconditionError(absl::StrCat(
        "plugin path ", path, " can be changed by ", writer,
        ", and plugins run as the service: make it owned by root and writable only by its "
        "owner (chown root: ",
        path, "; chmod go-w ", path, ")"));
  }
  return absl::OkStatus();
}

}  // namespace pluton::storage
