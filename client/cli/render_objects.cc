#include "client/cli/render_objects.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "client/cli/render.h"
#include "google/protobuf/util/time_util.h"

namespace pluton::storage::client {
namespace {

constexpr size_t kListTimeWidth = 19;  // "2023-11-14 22:13:20"

bool IsSet(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string ObjectLine(const v1::ObjectInfo& object) {
  return absl::StrFormat("%s %10d %s\n", FormatListTime(object.modify_time()), object.size(),
                         object.key());
}

std::string PrefixLine(const std::string& prefix) {
  return absl::StrFormat("%*s %s\n", static_cast<int>(kListTimeWidth + 1 + 10), "PRE", prefix);
}

std::string Days(int32_t days) { return days == 0 ? "-" : absl::StrCat(days, "d"); }

}  // namespace

std::string FormatListTime(const google::protobuf::Timestamp& time) {
  if (!IsSet(time)) return absl::StrFormat("%-*s", static_cast<int>(kListTimeWidth), "-");
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

void VisitInKeyOrder(const v1::ListObjectsResponse& page,
                     const std::function<void(const std::string& prefix)>& on_prefix,
                     const std::function<void(const v1::ObjectInfo& object)>& on_object) {
  int object = 0, prefix = 0;
  while (object < page.objects_size() || prefix < page.common_prefixes_size()) {
    const bool take_prefix = prefix < page.common_prefixes_size() &&
                             (object == page.objects_size() ||
                              page.common_prefixes(prefix) < page.objects(object).key());
    if (take_prefix) {
      on_prefix(page.common_prefixes(prefix++));
    } else {
      on_object(page.objects(object++));
    }
  }
}

std::string FormatObjectPage(const v1::ListObjectsResponse& page) {
  std::string out;
  VisitInKeyOrder(
      page, [&out](const std::string& prefix) { absl::StrAppend(&out, PrefixLine(prefix)); },
      [&out](const v1::ObjectInfo& object) { absl::StrAppend(&out, ObjectLine(object)); });
  return out;
}

std::string FormatObjectInfo(const v1::ObjectInfo& info) {
  using google::protobuf::util::TimeUtil;
  std::string out = absl::StrCat(
      "key:           ", info.key(), "\n",                                          //
      "size:          ", info.size(), " bytes (", FormatBytes(info.size()), ")\n",  //
      "modified:      ", IsSet(info.modify_time()) ? TimeUtil::ToString(info.modify_time()) : "-",
      "\n",                                                   //
      "etag:          ", OrDash(info.etag()), "\n",           //
      "md5:           ", OrDash(info.md5_hex()), "\n",        //
      "sha256:        ", OrDash(info.sha256_hex()), "\n",     //
      "storage class: ", OrDash(info.storage_class()), "\n",  //
      "content type:  ", OrDash(info.content_type()), "\n");
  if (info.metadata().empty()) {
    absl::StrAppend(&out, "metadata:      (none)\n");
    return out;
  }
  absl::StrAppend(&out, "metadata:\n");
  std::vector<std::pair<std::string, std::string>> metadata(info.metadata().begin(),
                                                            info.metadata().end());
  std::sort(metadata.begin(), metadata.end());
  for (const auto& [key, value] : metadata) absl::StrAppend(&out, "  ", key, " = ", value, "\n");
  return out;
}

std::string CodeName(int code) {
  if (code < 0 || code > static_cast<int>(absl::StatusCode::kUnauthenticated)) {
    return absl::StrCat("code ", code);
  }
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string FormatFailure(absl::string_view verb, const v1::DeleteFailure& failure) {
  return absl::StrCat(verb, " failed: ", failure.key(), ": ", CodeName(failure.code()), ": ",
                      failure.message(), "\n");
}

std::string FormatIncompleteUpload(const v1::IncompleteUpload& upload) {
  return absl::StrCat(FormatListTime(upload.initiate_time()), "  ", OrDash(upload.key()), "  ",
                      OrDash(upload.upload_id()), "\n");
}

std::string FormatCleanupResult(const v1::CleanupIncompleteUploadsResponse& response, bool dry_run,
                                absl::string_view older_than) {
  std::string out;
  for (const v1::IncompleteUpload& upload : response.aborted()) {
    std::string started = IsSet(upload.initiate_time())
                              ? absl::StrCat(", started ", FormatListTime(upload.initiate_time()))
                              : "";
    absl::StrAppend(&out, dry_run ? "would abort: " : "aborted: ", OrDash(upload.key()),
                    " (upload ", OrDash(upload.upload_id()), started, ")\n");
  }
  const int aborted = response.aborted_size();
  absl::StrAppend(&out, dry_run ? "dry run: would abort " : "aborted ", aborted,
                  aborted == 1 ? " incomplete upload" : " incomplete uploads", "; kept ",
                  response.kept_count(), " started less than ", older_than,
                  " ago or of unknown age\n");
  return out;
}

std::string FormatLifecycle(const v1::Lifecycle& lifecycle) {
  if (lifecycle.rules().empty()) return "no lifecycle rules\n";
  std::vector<std::vector<std::string>> rows = {
      {"ID", "PREFIX", "STATUS", "EXPIRE", "ABORT INCOMPLETE"}};
  for (const v1::LifecycleRule& rule : lifecycle.rules()) {
    rows.push_back({rule.id(), rule.prefix().empty() ? "(all)" : rule.prefix(),
                    rule.enabled() ? "enabled" : "disabled", Days(rule.expire_after_days()),
                    Days(rule.abort_incomplete_upload_after_days())});
  }
  return FormatTable(rows);
}

}  // namespace pluton::storage::client
