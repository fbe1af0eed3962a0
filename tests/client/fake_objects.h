// FakeObjects: the object side of the fake StorageService (fake_storage_service.h). One
// bucket's objects, incomplete uploads and lifecycle rules, served to ListObjects,
// StatObject, DeleteObject(s), the incomplete-upload RPCs, Get/SetLifecycle and Download the
// way the proto's contract says, and every request recorded.
//
// Storage "missing" is unknown (NOT_FOUND, STORAGE_NOT_FOUND); bucket "nobucket" is unknown
// (NOT_FOUND, BUCKET_NOT_FOUND); any other storage and bucket name the one bucket. Page
// tokens are the index of the next entry. Requests the real service refuses (more than 1000
// keys, a page size above 1000, an empty key) are refused with field violations, so a
// client that breaks the contract fails its test.
//
// Thread safety: the knobs are set before the calls; the handlers lock.
#ifndef PLUTON_TESTS_CLIENT_FAKE_OBJECTS_H_
#define PLUTON_TESTS_CLIENT_FAKE_OBJECTS_H_

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "fake_wire.h"
#include "grpcpp/server_context.h"
#include "pluton/storage/v1/storage_service.grpc.pb.h"

namespace pluton::storage::client::testing {

namespace v1 = ::pluton::storage::v1;

// Every object's modification time: 2023-11-14T22:13:20Z.
inline constexpr int64_t kFakeObjectTime = 1700000000;

class FakeObjects {
 public:
  // --- knobs -------------------------------------------------------------------------------
  std::map<std::string, std::string> objects;    // key -> data
  std::set<std::string> undeletable;             // deleting these fails: PERMISSION_DENIED
  bool empty_first_page = false;                 // ListObjects: first page empty, more follow
  std::string fail_list_page_token;              // ListObjects: UNAVAILABLE for this token
  std::string stuck_page_token;                  // ListObjects: every page points to this
  std::vector<v1::IncompleteUpload> incomplete;  // ListIncompleteUploads, in order
  int incomplete_page_size = 1000;               // uploads per ListIncompleteUploads page
  std::set<std::string> unabortable;             // Cleanup: aborting these keys fails
  v1::Lifecycle lifecycle;                       // GetLifecycle's answer
  bool lifecycle_unimplemented = false;          // Get/SetLifecycle: UNIMPLEMENTED
  int64_t fail_download_after_bytes = -1;        // >= 0: UNAVAILABLE after this many bytes
  size_t download_chunk = 4;                     // data bytes per Download message
  // Download's ETag per key; absent: DownloadEtag(data), so replacing the data changes it.
  // "" is an object the provider reports no ETag for.
  std::map<std::string, std::string> download_etags;
  // Download's stored MD5 per key; absent: the data's MD5. "" is an object without one.
  std::map<std::string, std::string> stored_md5s;
  bool ignore_if_match = false;  // Download: behave like a service that predates if_match

  // --- records -----------------------------------------------------------------------------
  std::vector<v1::ListObjectsRequest> list_requests() { return Locked(list_requests_); }
  std::vector<v1::DeleteObjectRequest> delete_requests() { return Locked(delete_requests_); }
  std::vector<v1::DeleteObjectsRequest> batch_requests() { return Locked(batch_requests_); }
  std::vector<v1::ListIncompleteUploadsRequest> incomplete_requests() {
    return Locked(incomplete_requests_);
  }
  std::vector<v1::CleanupIncompleteUploadsRequest> cleanup_requests() {
    return Locked(cleanup_requests_);
  }
  std::vector<v1::SetLifecycleRequest> set_lifecycle_requests() {
    return Locked(set_lifecycle_requests_);
  }
  std::vector<v1::DownloadRequest> download_requests() { return Locked(download_requests_); }

  // The ETag Download reports for `data` unless download_etags says otherwise.
  static std::string DownloadEtag(const std::string& data) {
    return absl::StrCat("\"", Md5Hex(data), "\"");
  }

  // --- RPCs --------------------------------------------------------------------------------
  grpc::Status ListObjects(const v1::ListObjectsRequest& request, v1::ListObjectsResponse* page) {
    absl::MutexLock lock(&mu_);
    list_requests_.push_back(request);
    if (grpc::Status found = CheckBucket(request.storage(), request.bucket()); !found.ok()) {
      return found;
    }
    if (request.page_size() < 0 || request.page_size() > 1000) {
      return RichGrpcStatus(grpc::StatusCode::INVALID_ARGUMENT, "bad page size", "INVALID_ARGUMENT",
                            {{"page_size", "must be 0..1000"}});
    }
    if (!fail_list_page_token.empty() && request.page_token() == fail_list_page_token) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the provider did not answer");
    }
    if (empty_first_page && request.page_token().empty()) {
      page->set_next_page_token("0");
      return grpc::Status::OK;
    }
    // Entries in key order: {name, is_prefix}.
    std::vector<std::pair<std::string, bool>> entries;
    for (const auto& [key, data] : objects) {
      if (!absl::StartsWith(key, request.prefix())) continue;
      size_t cut = request.delimiter().empty()
                       ? std::string::npos
                       : key.find(request.delimiter(), request.prefix().size());
      if (cut == std::string::npos) {
        entries.emplace_back(key, false);
        continue;
      }
      std::string rolled = key.substr(0, cut + request.delimiter().size());
      if (entries.empty() || entries.back().first != rolled) entries.emplace_back(rolled, true);
    }
    size_t start = 0;
    if (!request.page_token().empty() && !absl::SimpleAtoi(request.page_token(), &start) &&
        request.page_token() != stuck_page_token) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page token");
    }
    const size_t size = request.page_size() > 0 ? request.page_size() : 1000;
    const size_t end = std::min(entries.size(), start + size);
    for (size_t i = start; i < end; ++i) {
      if (entries[i].second) {
        page->add_common_prefixes(entries[i].first);
      } else {
        *page->add_objects() = ListedInfo(entries[i].first);
      }
    }
    if (end < entries.size()) page->set_next_page_token(absl::StrCat(end));
    if (!stuck_page_token.empty()) page->set_next_page_token(stuck_page_token);
    return grpc::Status::OK;
  }

  grpc::Status StatObject(const v1::StatObjectRequest& request, v1::ObjectInfo* info) {
    absl::MutexLock lock(&mu_);
    if (grpc::Status found = CheckBucket(request.storage(), request.bucket()); !found.ok()) {
      return found;
    }
    if (request.key().empty()) return EmptyKey("key");
    if (!objects.count(request.key())) {
      return RichGrpcStatus(grpc::StatusCode::NOT_FOUND,
                            absl::StrCat("no object \"", request.key(), "\""), "OBJECT_NOT_FOUND");
    }
    *info = ListedInfo(request.key());
    info->set_md5_hex(Md5Hex(objects[request.key()]));
    info->set_content_type("text/plain");
    (*info->mutable_metadata())["owner"] = "me";
    (*info->mutable_metadata())["build"] = "42";
    return grpc::Status::OK;
  }

  grpc::Status DeleteObject(const v1::DeleteObjectRequest& request) {
    absl::MutexLock lock(&mu_);
    delete_requests_.push_back(request);
    if (grpc::Status found = CheckBucket(request.storage(), request.bucket()); !found.ok()) {
      return found;
    }
    if (request.key().empty()) return EmptyKey("key");
    if (undeletable.count(request.key())) {
      return RichGrpcStatus(grpc::StatusCode::PERMISSION_DENIED, "access denied", "ACCESS_DENIED");
    }
    objects.erase(request.key());
    return grpc::Status::OK;
  }

  grpc::Status DeleteObjects(const v1::DeleteObjectsRequest& request,
                             v1::DeleteObjectsResponse* response) {
    absl::MutexLock lock(&mu_);
    batch_requests_.push_back(request);
    if (grpc::Status found = CheckBucket(request.storage(), request.bucket()); !found.ok()) {
      return found;
    }
    if (request.keys().empty() || request.keys_size() > 1000) {
      return RichGrpcStatus(grpc::StatusCode::INVALID_ARGUMENT, "bad keys", "INVALID_ARGUMENT",
                            {{"keys", absl::StrCat("1..1000 keys, got ", request.keys_size())}});
    }
    for (int i = 0; i < request.keys_size(); ++i) {
      if (request.keys(i).empty()) return EmptyKey(absl::StrCat("keys[", i, "]"));
    }
    for (const std::string& key : request.keys()) {
      if (undeletable.count(key)) {
        v1::DeleteFailure* failure = response->add_failures();
        failure->set_key(key);
        failure->set_code(grpc::StatusCode::PERMISSION_DENIED);
        failure->set_message("access denied");
        continue;
      }
      objects.erase(key);
      response->set_deleted_count(response->deleted_count() + 1);
    }
    return grpc::Status::OK;
  }

  grpc::Status ListIncompleteUploads(const v1::ListIncompleteUploadsRequest& request,
                                     v1::ListIncompleteUploadsResponse* page) {
    absl::MutexLock lock(&mu_);
    incomplete_requests_.push_back(request);
    if (grpc::Status found = CheckBucket(request.storage(), request.bucket()); !found.ok()) {
      return found;
    }
    std::vector<const v1::IncompleteUpload*> matching;
    for (const v1::IncompleteUpload& upload : incomplete) {
      if (absl::StartsWith(upload.key(), request.prefix())) matching.push_back(&upload);
    }
    size_t start = 0;
    if (!request.page_token().empty() && !absl::SimpleAtoi(request.page_token(), &start)) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page token");
    }
    const size_t end = std::min(matching.size(), start + incomplete_page_size);
    for (size_t i = start; i < end; ++i) *page->add_uploads() = *matching[i];
    if (end < matching.size()) page->set_next_page_token(absl::StrCat(end));
    return grpc::Status::OK;
  }

  grpc::Status CleanupIncompleteUploads(const v1::CleanupIncompleteUploadsRequest& request,
                                        v1::CleanupIncompleteUploadsResponse* response) {
    absl::MutexLock lock(&mu_);
    cleanup_requests_.push_back(request);
    if (grpc::Status found = CheckBucket(request.storage(), request.bucket()); !found.ok()) {
      return found;
    }
    if (request.older_than().seconds() < 0) {
      return RichGrpcStatus(grpc::StatusCode::INVALID_ARGUMENT, "negative age", "INVALID_ARGUMENT",
                            {{"older_than", "must not be negative"}});
    }
    const int64_t age = request.has_older_than() ? request.older_than().seconds() : 86400;
    const int64_t cutoff = absl::ToUnixSeconds(absl::Now()) - age;
    std::vector<v1::IncompleteUpload> left;
    for (const v1::IncompleteUpload& upload : incomplete) {
      const bool old = upload.has_initiate_time() && upload.initiate_time().seconds() < cutoff;
      if (!absl::StartsWith(upload.key(), request.prefix()) || !old) {
        if (absl::StartsWith(upload.key(), request.prefix())) {
          response->set_kept_count(response->kept_count() + 1);
        }
        left.push_back(upload);
      } else if (unabortable.count(upload.key())) {
        v1::DeleteFailure* failure = response->add_failures();
        failure->set_key(upload.key());
        failure->set_code(grpc::StatusCode::UNAVAILABLE);
        failure->set_message("the provider did not answer");
        left.push_back(upload);
      } else {
        *response->add_aborted() = upload;
        if (request.dry_run()) left.push_back(upload);
      }
    }
    incomplete = std::move(left);
    return grpc::Status::OK;
  }

  grpc::Status GetLifecycle(const v1::GetLifecycleRequest& request, v1::Lifecycle* response) {
    absl::MutexLock lock(&mu_);
    if (grpc::Status found = CheckBucket(request.storage(), request.bucket()); !found.ok()) {
      return found;
    }
    if (lifecycle_unimplemented) return NoLifecycle();
    *response = lifecycle;
    return grpc::Status::OK;
  }

  grpc::Status SetLifecycle(const v1::SetLifecycleRequest& request, v1::Lifecycle* response) {
    absl::MutexLock lock(&mu_);
    set_lifecycle_requests_.push_back(request);
    if (grpc::Status found = CheckBucket(request.storage(), request.bucket()); !found.ok()) {
      return found;
    }
    if (lifecycle_unimplemented) return NoLifecycle();
    std::vector<std::pair<std::string, std::string>> violations;
    for (int i = 0; i < request.rules_size(); ++i) {
      const v1::LifecycleRule& rule = request.rules(i);
      if (rule.id().empty()) {
        violations.emplace_back(absl::StrCat("rules[", i, "].id"), "required, 1-255 characters");
      }
      if (rule.expire_after_days() == 0 && rule.abort_incomplete_upload_after_days() == 0) {
        violations.emplace_back(
            absl::StrCat("rules[", i, "]"),
            "sets no action; set expire_after_days or abort_incomplete_upload_after_days");
      }
    }
    if (!violations.empty()) {
      return RichGrpcStatus(grpc::StatusCode::INVALID_ARGUMENT, "the lifecycle rules are invalid",
                            "INVALID_ARGUMENT", violations);
    }
    lifecycle.mutable_rules()->CopyFrom(request.rules());
    *response = lifecycle;
    return grpc::Status::OK;
  }

  grpc::Status Download(grpc::ServerContext* context, const v1::DownloadRequest& request,
                        grpc::ServerWriter<v1::DownloadResponse>* writer) {
    std::string data, etag, stored_md5;
    {
      absl::MutexLock lock(&mu_);
      download_requests_.push_back(request);
      if (grpc::Status found = CheckBucket(request.storage(), request.bucket()); !found.ok()) {
        return found;
      }
      auto it = objects.find(request.key());
      if (it == objects.end()) {
        return RichGrpcStatus(grpc::StatusCode::NOT_FOUND,
                              absl::StrCat("no object \"", request.key(), "\""),
                              "OBJECT_NOT_FOUND");
      }
      data = it->second;
      auto etag_it = download_etags.find(request.key());
      etag = etag_it == download_etags.end() ? DownloadEtag(data) : etag_it->second;
      auto md5_it = stored_md5s.find(request.key());
      stored_md5 = md5_it == stored_md5s.end() ? Md5Hex(data) : md5_it->second;
    }
    // if_match as the service checks it: before the info, exact comparison.
    if (!request.if_match().empty() && request.if_match() != etag && !ignore_if_match) {
      if (etag.empty()) {
        return RichGrpcStatus(grpc::StatusCode::FAILED_PRECONDITION,
                              "the provider reports no ETag for \"" + request.key() + "\"",
                              "ETAG_UNAVAILABLE");
      }
      return RichGrpcStatus(
          grpc::StatusCode::FAILED_PRECONDITION,
          absl::StrCat("\"", request.key(), "\" changed since the download began (ETag ", etag,
                       ", expected ", request.if_match(), ")"),
          "OBJECT_CHANGED");
    }
    const int64_t size = static_cast<int64_t>(data.size());
    const int64_t length = request.has_length() ? request.length() : size - request.offset();
    if (request.offset() > size || length < 0 || request.offset() + length > size) {
      return grpc::Status(grpc::StatusCode::OUT_OF_RANGE, "range past the end of the object");
    }
    v1::DownloadResponse message;
    v1::DownloadInfo* info = message.mutable_info();
    info->set_object_size(size);
    info->set_etag(etag);
    info->set_offset(request.offset());
    info->set_length(length);
    info->set_stored_md5_hex(stored_md5);
    info->set_verified(request.offset() == 0 && length == size && !stored_md5.empty());
    info->set_storage_id("stg_0000000000000001");
    if (!writer->Write(message)) return grpc::Status::CANCELLED;
    int64_t sent = 0;
    while (sent < length && !context->IsCancelled()) {
      if (fail_download_after_bytes >= 0 && sent >= fail_download_after_bytes) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection reset by the provider");
      }
      const int64_t n = std::min<int64_t>(static_cast<int64_t>(download_chunk), length - sent);
      message.set_data(
          data.substr(static_cast<size_t>(request.offset() + sent), static_cast<size_t>(n)));
      if (!writer->Write(message)) return grpc::Status::CANCELLED;
      sent += n;
    }
    return grpc::Status::OK;
  }

 private:
  template <typename T>
  T Locked(const T& value) {
    absl::MutexLock lock(&mu_);
    return value;
  }

  static grpc::Status CheckBucket(const std::string& storage, const std::string& bucket) {
    if (storage == "missing") {
      return RichGrpcStatus(grpc::StatusCode::NOT_FOUND, "no storage \"missing\"",
                            "STORAGE_NOT_FOUND");
    }
    if (bucket == "nobucket") {
      return RichGrpcStatus(grpc::StatusCode::NOT_FOUND, "no bucket \"nobucket\"",
                            "BUCKET_NOT_FOUND");
    }
    return grpc::Status::OK;
  }

  static grpc::Status EmptyKey(const std::string& field) {
    return RichGrpcStatus(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("the request is invalid; ", field, ": required"),
                          "INVALID_ARGUMENT", {{field, "required"}});
  }

  static grpc::Status NoLifecycle() {
    return RichGrpcStatus(grpc::StatusCode::UNIMPLEMENTED,
                          "the local provider has no lifecycle rules", "LIFECYCLE_UNSUPPORTED");
  }

  // What a listing says about `key` (StatObject adds the rest).
  v1::ObjectInfo ListedInfo(const std::string& key) {
    v1::ObjectInfo info;
    info.set_key(key);
    info.set_size(static_cast<int64_t>(objects[key].size()));
    info.mutable_modify_time()->set_seconds(kFakeObjectTime);
    info.set_etag(absl::StrCat("etag-", objects[key].size()));
    info.set_storage_class("STANDARD");
    return info;
  }

  absl::Mutex mu_;
  std::vector<v1::ListObjectsRequest> list_requests_;
  std::vector<v1::DeleteObjectRequest> delete_requests_;
  std::vector<v1::DeleteObjectsRequest> batch_requests_;
  std::vector<v1::ListIncompleteUploadsRequest> incomplete_requests_;
  std::vector<v1::CleanupIncompleteUploadsRequest> cleanup_requests_;
  std::vector<v1::SetLifecycleRequest> set_lifecycle_requests_;
  std::vector<v1::DownloadRequest> download_requests_;
};

}  // namespace pluton::storage::client::testing

#endif  // PLUTON_TESTS_CLIENT_FAKE_OBJECTS_H_
