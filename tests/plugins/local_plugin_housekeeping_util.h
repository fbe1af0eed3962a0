// Helpers for the local plugin's ABI 1.2 housekeeping tests: calling list_objects, stat_object,
// delete_objects, list_incomplete_uploads and abort_incomplete_upload through the loaded table,
// copying every result and releasing it with the table's own *_destroy function.
#ifndef PLUTON_TESTS_PLUGINS_LOCAL_PLUGIN_HOUSEKEEPING_UTIL_H_
#define PLUTON_TESTS_PLUGINS_LOCAL_PLUGIN_HOUSEKEEPING_UTIL_H_

#include <openssl/evp.h>
#include <sys/xattr.h>

#include <cerrno>
#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/xattr_probe.h"
#include "local_plugin_test_util.h"

namespace pluton::local_test {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  int64_t modified_unix_ms = 0;
  std::string etag;
  std::string storage_class;
};

struct Page {
  Error error;
  std::vector<ObjectInfo> objects;
  std::vector<std::string> prefixes;
  std::string next_page_token;
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const ObjectInfo& o : objects) out.push_back(o.key);
    return out;
  }
};

struct StatInfo {
  Error error;
  uint64_t size = 0;
  int64_t modified_unix_ms = 0;
  std::string etag;
  bool has_md5 = false;
  std::string md5;  // 16 raw bytes when has_md5
  std::string storage_class;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> metadata;
};

struct DeleteOutcome {
  Error error;
  std::vector<std::pair<std::string, int32_t>> failures;  // key, code
  std::vector<std::string> messages;
};

struct UploadInfo {
  std::string key;
  std::string upload_id;
  int64_t initiated_unix_ms = 0;
};

struct UploadPage {
  Error error;
  std::vector<UploadInfo> uploads;
  std::string next_page_token;
};

struct ListArgs {
  std::string prefix;
  std::string delimiter;
  std::string page_token;
  uint32_t max_entries = 1000;
};

inline std::string Md5Of(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

inline std::string Hex(const std::string& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

class LocalHousekeepingTest : public LocalPluginTest {
 protected:
  // Whether the temp directory's filesystem takes user xattrs (else xattr checks are skipped).
  bool UserXattrs() const { return ::pluton::testing::DirectoryTakesUserXattrs(tmp_.string()); }

  // The parameters of a listing call; they borrow `bucket` and `args`' strings.
  static pluton_list_params ListParams(const std::string& bucket, const ListArgs& args) {
    pluton_list_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.prefix = args.prefix.c_str();
    params.delimiter = args.delimiter.c_str();
    params.page_token = args.page_token.c_str();
    params.max_entries = args.max_entries;
    return params;
  }

  // The parameters of a call on one object; they borrow `bucket` and `key`.
  static pluton_object_params ObjectParams(const std::string& bucket, const std::string& key) {
    pluton_object_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key = key.c_str();
    return params;
  }

  // Whether a call that returns a plugin-owned `result` may have it read: a failed call must
  // leave it NULL and a successful one must set it (the test fails otherwise). True when the
  // call succeeded with a result; the caller then copies it and releases it.
  template <class T>
  static bool Returned(const Error& error, const T* result) {
    if (!error.ok) {
      EXPECT_EQ(result, nullptr);
      return false;
    }
    EXPECT_NE(result, nullptr);
    return result != nullptr;
  }

  Page ListObjects(const std::string& bucket, const ListArgs& args = {}) {
    const pluton_list_params params = ListParams(bucket, args);
    pluton_object_list* list = nullptr;
    Page page;
    page.error = Check(api_->list_objects(config_.get(), &params, &list));
    if (!Returned(page.error, list)) return page;
    EXPECT_EQ(list->struct_size, sizeof(pluton_object_list));
    for (size_t i = 0; i < list->object_count; ++i) {
      const pluton_object_entry& e = list->objects[i];
      page.objects.push_back({e.key, e.size, e.modified_unix_ms, e.etag, e.storage_class});
    }
    for (size_t i = 0; i < list->prefix_count; ++i) {
      page.prefixes.push_back(list->common_prefixes[i]);
    }
    page.next_page_token = list->next_page_token;
    api_->object_list_destroy(list);
    return page;
  }

  // Every page from the first until an empty token; fails the test on an error or a loop.
  // Returns keys and common prefixes in the order received; *pages counts the pages.
  std::pair<std::vector<std::string>, std::vector<std::string>> ListAll(const std::string& bucket,
                                                                        ListArgs args,
                                                                        int* pages = nullptr) {
    std::vector<std::string> keys, prefixes;
    args.page_token.clear();
    int count = 0;
    while (true) {
      const Page page = ListObjects(bucket, args);
      EXPECT_TRUE(page.error.ok) << page.error;
      if (!page.error.ok) break;
      ++count;
      EXPECT_LE(page.objects.size() + page.prefixes.size(), args.max_entries);
      for (const ObjectInfo& o : page.objects) keys.push_back(o.key);
      prefixes.insert(prefixes.end(), page.prefixes.begin(), page.prefixes.end());
      if (page.next_page_token.empty()) break;
      EXPECT_NE(page.next_page_token, args.page_token) << "the listing does not advance";
      if (page.next_page_token == args.page_token || count > 10000) break;
      args.page_token = page.next_page_token;
    }
    if (pages != nullptr) *pages = count;
    return {keys, prefixes};
  }

  StatInfo Stat(const std::string& bucket, const std::string& key) {
    const pluton_object_params params = ObjectParams(bucket, key);
    pluton_object_stat* stat = nullptr;
    StatInfo info;
    info.error = Check(api_->stat_object(config_.get(), &params, &stat));
    if (!Returned(info.error, stat)) return info;
    info.size = stat->size;
    info.modified_unix_ms = stat->modified_unix_ms;
    info.etag = stat->etag;
    info.has_md5 = stat->stored_md5 != nullptr;
    if (info.has_md5) info.md5.assign(reinterpret_cast<const char*>(stat->stored_md5), 16);
    info.storage_class = stat->storage_class;
    info.content_type = stat->content_type;
    for (size_t i = 0; i < stat->metadata_count; ++i) {
      info.metadata.emplace_back(stat->metadata[i].key, stat->metadata[i].value);
    }
    api_->object_stat_destroy(stat);
    return info;
  }

  DeleteOutcome Delete(const std::string& bucket, const std::vector<std::string>& keys) {
    std::vector<const char*> c_keys;
    for (const std::string& k : keys) c_keys.push_back(k.c_str());
    pluton_delete_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key_count = c_keys.size();
    params.keys = c_keys.data();
    pluton_delete_result* result = nullptr;
    DeleteOutcome outcome;
    outcome.error = Check(api_->delete_objects(config_.get(), &params, &result));
    if (!Returned(outcome.error, result)) return outcome;
    for (size_t i = 0; i < result->failure_count; ++i) {
      outcome.failures.emplace_back(result->failures[i].key, result->failures[i].code);
      outcome.messages.push_back(result->failures[i].message);
    }
    api_->delete_result_destroy(result);
    return outcome;
  }

  UploadPage ListUploads(const std::string& bucket, const ListArgs& args = {}) {
    const pluton_list_params params = ListParams(bucket, args);
    pluton_incomplete_upload_list* list = nullptr;
    UploadPage page;
    page.error = Check(api_->list_incomplete_uploads(config_.get(), &params, &list));
    if (!Returned(page.error, list)) return page;
    for (size_t i = 0; i < list->upload_count; ++i) {
      const pluton_incomplete_upload& u = list->uploads[i];
      page.uploads.push_back({u.key, u.upload_id, u.initiated_unix_ms});
    }
    page.next_page_token = list->next_page_token;
    api_->incomplete_upload_list_destroy(list);
    return page;
  }

  Error Abort(const std::string& bucket, const std::string& key, const std::string& upload_id) {
    const pluton_object_params params = ObjectParams(bucket, key);
    return Check(api_->abort_incomplete_upload(config_.get(), &params, upload_id.c_str()));
  }

  // A whole upload the way the service makes one: content type, metadata, and the stream's MD5
  // handed over before finish.
  Error UploadWithAttributes(const std::string& bucket, const std::string& key,
                             const std::string& data, const std::string& content_type,
                             const std::map<std::string, std::string>& metadata) {
    pluton_upload_params params = Params(bucket, key);
    params.content_type = content_type.c_str();
    std::vector<pluton_kv> kvs;
    for (const auto& [k, v] : metadata) kvs.push_back({k.c_str(), v.c_str()});
    params.metadata_count = kvs.size();
    params.metadata = kvs.empty() ? nullptr : kvs.data();
    pluton_upload* upload = nullptr;
    Error error = Check(api_->upload_begin(config_.get(), &params, &upload));
    if (!error.ok) return error;
    error = Check(
        api_->upload_write(upload, reinterpret_cast<const uint8_t*>(data.data()), data.size()));
    const std::string md5 = Md5Of(data);
    if (error.ok) {
      error =
          Check(api_->upload_set_stream_md5(upload, reinterpret_cast<const uint8_t*>(md5.data())));
    }
    pluton_upload_result result{};
    result.struct_size = sizeof(result);
    if (error.ok) error = Check(api_->upload_finish(upload, &result));
    if (error.ok && UserXattrs()) {
      EXPECT_EQ(std::string(result.etag), Hex(md5)) << "the upload's ETag is the MD5's hex";
    }
    if (!error.ok) api_->upload_abort(upload);
    api_->upload_destroy(upload);
    return error;
  }

  // Creates the regular file root/bucket/key (and its directories) with `data`.
  void Put(const std::string& bucket, const std::string& key, const std::string& data = "x") {
    const fs::path path = root_ / bucket / key;
    fs::create_directories(path.parent_path());
    WriteFile(path, data);
  }
};

}  // namespace pluton::local_test

#endif  // PLUTON_TESTS_PLUGINS_LOCAL_PLUGIN_HOUSEKEEPING_UTIL_H_
