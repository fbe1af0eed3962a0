// Object housekeeping (ABI 1.2) through the real pluton_r2.so and pluton_s3.so, loaded with
// dlopen and driven only through the C ABI, against the strict R2 fake: listing pages,
// deletion with per-key failures, incomplete multipart uploads, lifecycle rules, and the
// errors a person sees (field names, NOT_FOUND naming the bucket, permissions, no secrets).
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin_harness.h"
#include "pluton/s3/curl_transport.h"
#include "pluton/s3/digest.h"
#include "pluton/s3/s3_client.h"

namespace pluton::r2_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// One plugin under test and what its messages say about permissions.
struct PluginCase {
  const char* file;
  bool is_r2;
  const char* delete_permission;     // in the AccessDenied message of a delete
  const char* lifecycle_permission;  // in the AccessDenied message of get_lifecycle
};

void PrintTo(const PluginCase& c, std::ostream* os) { *os << c.file; }

struct ListedObjects {
  Error error;
  std::vector<pluton_object_entry> entries;  // strings copied into `keys` etc.
  std::vector<std::string> keys, etags, storage_classes;
  std::vector<std::string> prefixes;
  std::string next;
};

struct ListedUploads {
  Error error;
  std::vector<std::pair<std::string, std::string>> uploads;  // key, upload id
  std::vector<int64_t> initiated_ms;
  std::string next;
};

struct Deleted {
  Error error;
  struct Failure {
    std::string key;
    int32_t code;
    std::string message;
  };
  std::vector<Failure> failures;
};

struct Rules {
  Error error;
  std::vector<std::tuple<std::string, std::string, bool, uint32_t, uint32_t>> rules;
};

class HousekeepingTest : public ::testing::TestWithParam<PluginCase> {
 protected:
  void SetUp() override {
    const LoadedPlugin& plugin = LoadedPlugin::Get(GetParam().file);
    ASSERT_NE(plugin.api, nullptr) << plugin.load_error;
    api_ = plugin.api;
    ASSERT_NE(api_->list_objects, nullptr);
    ASSERT_TRUE(SharedFake().ok()) << SharedFake().status();
    fake().Reset();
    config_ = ConfigFor(kAdminKeyId, kAdminSecret);
    s3::CurlTransportOptions options;
    options.use_environment_proxy = false;
    absl::StatusOr<std::unique_ptr<s3::CurlTransport>> transport =
        s3::CurlTransport::Create(options);
    ASSERT_TRUE(transport.ok()) << transport.status();
    transport_ = *std::move(transport);
    s3_ = std::make_unique<s3::S3Client>(s3::S3Endpoint{fake().endpoint(), "auto", true},
                                         s3::Credentials{kAdminKeyId, kAdminSecret, ""},
                                         transport_.get());
  }
  void TearDown() override {
    // Secrets never reach a message a person could see, nor the host's log.
    for (const std::string& message : messages_) {
      for (const char* secret : {kAdminSecret, kScopedSecret, kReadOnlySecret, kWrongSecret}) {
        EXPECT_FALSE(absl::StrContains(message, secret)) << message;
      }
    }
    for (const std::string& line : TestHost::Logs()) {
      EXPECT_FALSE(absl::StrContains(line, kAdminSecret)) << line;
    }
  }

  static R2FakeProcess& fake() { return **SharedFake(); }
  static constexpr char kWrongSecret[] =
      "1111111111111111111111111111111111111111111111111111111111111111";

  Config ConfigFor(const std::string& key_id, const std::string& secret) const {
    if (GetParam().is_r2) {
      return Config{{"account_id", kAccountId},
                    {"access_key_id", key_id},
                    {"secret_access_key", secret},
                    {"endpoint", fake().endpoint()}};
    }
    return Config{
        {"endpoint", fake().endpoint()}, {"access_key_id", key_id}, {"secret_access_key", secret}};
  }

  Error Keep(Error error) {
    if (!error.ok) {
      messages_.push_back(error.message);
      for (const auto& [field, description] : error.violations) messages_.push_back(description);
    }
    return error;
  }

  void Put(const std::string& key) {
    const std::string data = "data of " + key;
    absl::Span<const uint8_t> span(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    absl::StatusOr<s3::PutObjectResult> put =
        s3_->PutObject("backups", key, {span}, s3::Md5Base64(s3::ByteSpans(&span, 1)),
                       s3::ObjectOptions{}, nullptr);
    ASSERT_TRUE(put.ok()) << put.status();
  }

  std::vector<std::string> StoredKeys() {
    std::vector<std::string> keys;
    for (const auto& object : fake().Objects("backups")) keys.push_back(object["key"]);
    return keys;
  }

  ListedObjects List(const std::string& prefix, const std::string& delimiter,
                     const std::string& token, uint32_t max_entries,
                     const std::string& bucket = "backups", const Config* config = nullptr) {
    pluton_list_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.prefix = prefix.c_str();
    params.delimiter = delimiter.c_str();
    params.page_token = token.c_str();
    params.max_entries = max_entries;
    pluton_object_list* list = nullptr;
    ListedObjects out;
    out.error =
        Keep(Take(api_, api_->list_objects((config ? *config : config_).get(), &params, &list)));
    if (!out.error.ok) return out;
    EXPECT_NE(list, nullptr);
    if (list == nullptr) return out;
    for (size_t i = 0; i < list->object_count; ++i) {
      const pluton_object_entry& e = list->objects[i];
      out.keys.push_back(e.key);
      out.etags.push_back(e.etag);
      out.storage_classes.push_back(e.storage_class);
      out.entries.push_back(e);
    }
    for (size_t i = 0; i < list->prefix_count; ++i)
      out.prefixes.push_back(list->common_prefixes[i]);
    out.next = list->next_page_token;
    for (pluton_object_entry& e : out.entries) e.key = e.etag = e.storage_class = nullptr;
    api_->object_list_destroy(list);
    return out;
  }

  Deleted Delete(const std::vector<std::string>& keys, const std::string& bucket = "backups",
                 const Config* config = nullptr) {
    std::vector<const char*> raw;
    for (const std::string& key : keys) raw.push_back(key.c_str());
    pluton_delete_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key_count = raw.size();
    params.keys = raw.empty() ? nullptr : raw.data();
    pluton_delete_result* result = nullptr;
    Deleted out;
    out.error = Keep(
        Take(api_, api_->delete_objects((config ? *config : config_).get(), &params, &result)));
    if (!out.error.ok) return out;
    EXPECT_NE(result, nullptr);
    if (result == nullptr) return out;
    for (size_t i = 0; i < result->failure_count; ++i) {
      const pluton_delete_failure& f = result->failures[i];
      out.failures.push_back({f.key, f.code, f.message});
      messages_.push_back(f.message);
    }
    api_->delete_result_destroy(result);
    return out;
  }

  ListedUploads ListUploads(const std::string& token, uint32_t max_entries,
                            const std::string& bucket = "backups") {
    pluton_list_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.prefix = "";
    params.delimiter = "";
    params.page_token = token.c_str();
    params.max_entries = max_entries;
    pluton_incomplete_upload_list* list = nullptr;
    ListedUploads out;
    out.error = Keep(Take(api_, api_->list_incomplete_uploads(config_.get(), &params, &list)));
    if (!out.error.ok) return out;
    EXPECT_NE(list, nullptr);
    if (list == nullptr) return out;
    for (size_t i = 0; i < list->upload_count; ++i) {
      out.uploads.emplace_back(list->uploads[i].key, list->uploads[i].upload_id);
      out.initiated_ms.push_back(list->uploads[i].initiated_unix_ms);
    }
    out.next = list->next_page_token;
    api_->incomplete_upload_list_destroy(list);
    return out;
  }

  Error Abort(const std::string& key, const std::string& upload_id) {
    const std::string bucket = "backups";
    pluton_object_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key = key.c_str();
    return Keep(
        Take(api_, api_->abort_incomplete_upload(config_.get(), &params, upload_id.c_str())));
  }

  Rules GetLifecycle(const std::string& bucket = "backups", const Config* config = nullptr) {
    pluton_object_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key = "";
    pluton_lifecycle* lifecycle = nullptr;
    Rules out;
    out.error = Keep(
        Take(api_, api_->get_lifecycle((config ? *config : config_).get(), &params, &lifecycle)));
    if (!out.error.ok) return out;
    EXPECT_NE(lifecycle, nullptr);
    if (lifecycle == nullptr) return out;
    for (size_t i = 0; i < lifecycle->rule_count; ++i) {
      const pluton_lifecycle_rule& r = lifecycle->rules[i];
      out.rules.emplace_back(r.id, r.prefix, r.enabled != 0, r.expire_after_days,
                             r.abort_incomplete_after_days);
    }
    api_->lifecycle_destroy(lifecycle);
    return out;
  }

  Error SetLifecycle(const std::vector<pluton_lifecycle_rule>& rules,
                     const std::string& bucket = "backups") {
    pluton_object_params params{};
    params.struct_size = sizeof(params);
    params.bucket = bucket.c_str();
    params.key = "";
    pluton_lifecycle lifecycle{sizeof(pluton_lifecycle), rules.size(),
                               rules.empty() ? nullptr : rules.data()};
    return Keep(Take(api_, api_->set_lifecycle(config_.get(), &params, &lifecycle)));
  }

  std::string CreateUpload(const std::string& key) {
    absl::StatusOr<std::string> id =
        s3_->CreateMultipartUpload("backups", key, s3::ObjectOptions{}, nullptr);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }

  const pluton_plugin_api* api_ = nullptr;
  Config config_;
  std::unique_ptr<s3::CurlTransport> transport_;
  std::unique_ptr<s3::S3Client> s3_;
  std::vector<std::string> messages_;
};

TEST_P(HousekeepingTest, ListsEveryPageWithPrefixAndDelimiter) {
  const std::vector<std::string> keys = {"data/a b.txt", "data/c+d.txt", "data/sub/1",
                                         "data/sub/2",   "data/ü/é",     "data/x&y<z>",
                                         "data/zz/deep", "other/x"};
  for (const std::string& key : keys) Put(key);
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());

  std::vector<std::string> objects, prefixes;
  std::string token;
  int pages = 0;
  do {
    ListedObjects page = List("data/", "/", token, 2);
    ASSERT_TRUE(page.error.ok) << page.error;
    ASSERT_LT(++pages, 20);
    EXPECT_LE(page.keys.size() + page.prefixes.size(), 2u);
    for (size_t i = 0; i < page.keys.size(); ++i) {
      objects.push_back(page.keys[i]);
      EXPECT_EQ(page.entries[i].size, ("data of " + page.keys[i]).size());
      EXPECT_EQ(page.etags[i].size(), 32u) << page.etags[i];
      EXPECT_EQ(page.storage_classes[i], "STANDARD");
      EXPECT_LE(page.entries[i].modified_unix_ms, now_ms);
      EXPECT_GT(page.entries[i].modified_unix_ms, now_ms - 60000);
    }
    prefixes.insert(prefixes.end(), page.prefixes.begin(), page.prefixes.end());
    token = page.next;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(objects, ElementsAre("data/a b.txt", "data/c+d.txt", "data/x&y<z>"));
  EXPECT_THAT(prefixes, ElementsAre("data/sub/", "data/zz/", "data/ü/"));

  ListedObjects flat = List("", "", "", 1000);
  ASSERT_TRUE(flat.error.ok) << flat.error;
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(flat.keys, sorted);
  EXPECT_THAT(flat.prefixes, IsEmpty());
  EXPECT_EQ(flat.next, "");
}

TEST_P(HousekeepingTest, DeletesManyKeysWithPerKeyFailures) {
  for (const char* key : {"locked/1", "free", "a&b<c>", "ü space"}) Put(key);
  fake().AddFault({{"operation", "DeleteObjects"},
                   {"action", "key_error"},
                   {"key_prefix", "locked/"},
                   {"message", "held by policy"}});
  Deleted deleted = Delete({"locked/1", "free", "never-existed", "a&b<c>", "ü space", "free"});
  ASSERT_TRUE(deleted.error.ok) << deleted.error;
  ASSERT_THAT(deleted.failures, SizeIs(1));
  EXPECT_EQ(deleted.failures[0].key, "locked/1");
  EXPECT_EQ(deleted.failures[0].code, PLUTON_PERMISSION_DENIED);
  EXPECT_THAT(deleted.failures[0].message, HasSubstr("AccessDenied: held by policy"));
  EXPECT_THAT(deleted.failures[0].message, HasSubstr(GetParam().delete_permission));
  EXPECT_THAT(StoredKeys(), ElementsAre("locked/1"));
  EXPECT_THAT(fake().WaitForRequests("DeleteObjects", 1), SizeIs(1));
}

TEST_P(HousekeepingTest, DeletesOneKeyAndUnsafeKeysOneByOne) {
  Put("single");
  Deleted one = Delete({"single"});
  ASSERT_TRUE(one.error.ok) << one.error;
  EXPECT_THAT(one.failures, IsEmpty());
  EXPECT_THAT(fake().WaitForRequests("DeleteObject", 1), SizeIs(1));

  Put("bell\x07key");
  Put("plain");
  Deleted two = Delete({"bell\x07key", "plain"});
  ASSERT_TRUE(two.error.ok) << two.error;
  EXPECT_THAT(two.failures, IsEmpty());
  EXPECT_THAT(StoredKeys(), IsEmpty());
  EXPECT_THAT(fake().WaitForRequests("DeleteObject", 2), SizeIs(2));
  EXPECT_THAT(fake().WaitForRequests("DeleteObjects", 1), SizeIs(1));
}

TEST_P(HousekeepingTest, FallsBackToSingleDeletesWhenDeleteObjectsIsNotImplemented) {
  for (const char* key : {"a", "b", "c"}) Put(key);
  fake().AddFault({{"operation", "DeleteObjects"}, {"status", 501}, {"times", -1}});
  Deleted deleted = Delete({"a", "b", "c"});
  ASSERT_TRUE(deleted.error.ok) << deleted.error;
  EXPECT_THAT(deleted.failures, IsEmpty());
  EXPECT_THAT(StoredKeys(), IsEmpty());
  EXPECT_THAT(fake().WaitForRequests("DeleteObject", 3), SizeIs(3));
}

TEST_P(HousekeepingTest, DeleteRequestsAreCheckedBeforeSending) {
  Deleted none = Delete({});
  EXPECT_EQ(none.error.code, PLUTON_INVALID_ARGUMENT) << none.error;
  EXPECT_TRUE(none.error.HasViolation("keys")) << none.error;
  Deleted empty_key = Delete({"a", ""});
  EXPECT_EQ(empty_key.error.code, PLUTON_INVALID_ARGUMENT);
  EXPECT_THAT(empty_key.error.Violation("keys[1]"), HasSubstr("empty"));
  Deleted too_many = Delete(std::vector<std::string>(1001, "k"));
  EXPECT_THAT(too_many.error.Violation("keys"), HasSubstr("1001"));
  Deleted bad_bucket = Delete({"a"}, "a/b");
  EXPECT_TRUE(bad_bucket.error.HasViolation("bucket")) << bad_bucket.error;
  EXPECT_THAT(fake().Requests(), IsEmpty());
}

TEST_P(HousekeepingTest, ListsAndAbortsIncompleteUploads) {
  using Upload = std::pair<std::string, std::string>;  // key, upload id
  std::set<Upload> made;
  for (const char* key : {"b", "a", "dir/c d", "a", "e+ü"}) made.emplace(key, CreateUpload(key));
  const std::string stale_id = made.begin()->second;  // one of the "a" uploads
  fake().Json("POST", "uploads/initiated", {{"upload_id", stale_id}, {"age_seconds", 8 * 86400}});
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());

  std::vector<Upload> seen;
  std::vector<std::string> stale;
  std::string token;
  int pages = 0;
  do {
    ListedUploads page = ListUploads(token, 2);
    ASSERT_TRUE(page.error.ok) << page.error;
    ASSERT_LT(++pages, 10);
    EXPECT_LE(page.uploads.size(), 2u);
    for (size_t i = 0; i < page.uploads.size(); ++i) {
      seen.push_back(page.uploads[i]);
      // The service's cleanup aborts only uploads older than its limit (here 7 days).
      if (page.initiated_ms[i] < now_ms - 7 * 86400 * 1000LL) {
        stale.push_back(page.uploads[i].second);
      } else {
        EXPECT_GT(page.initiated_ms[i], now_ms - 60000);
      }
    }
    token = page.next;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(std::set<Upload>(seen.begin(), seen.end()), made);
  ASSERT_THAT(stale, ElementsAre(stale_id));

  ASSERT_TRUE(Abort("a", stale_id).ok);
  std::set<std::string> left;
  for (const auto& upload : fake().Uploads("backups")) left.insert(upload["upload_id"]);
  EXPECT_EQ(left.size(), 4u);
  EXPECT_EQ(left.count(stale_id), 0u);
  EXPECT_TRUE(Abort("a", stale_id).ok) << "an upload already gone is success";

  ListedUploads bad = ListUploads("not-a-token", 2);
  EXPECT_EQ(bad.error.code, PLUTON_INVALID_ARGUMENT);
  EXPECT_TRUE(bad.error.HasViolation("page_token")) << bad.error;
  Error no_id = Abort("a", "");
  EXPECT_TRUE(no_id.HasViolation("upload_id")) << no_id;
}

TEST_P(HousekeepingTest, LifecycleRoundTrip) {
  Rules none = GetLifecycle();
  ASSERT_TRUE(none.error.ok) << none.error;
  EXPECT_THAT(none.rules, IsEmpty());

  const std::vector<pluton_lifecycle_rule> rules = {
      {"expire logs & <tmp>", "logs/", 1, 30, 0},
      {"abort uploads", "", 0, 0, 2},
      {"both", "a&b/", 1, 365, 7},
  };
  ASSERT_TRUE(SetLifecycle(rules).ok);
  const std::string xml = fake().Json("GET", "lifecycle?bucket=backups")["xml"];
  EXPECT_THAT(xml, HasSubstr("<ID>expire logs &amp; &lt;tmp&gt;</ID>"));
  EXPECT_THAT(xml, HasSubstr("<Prefix>a&amp;b/</Prefix>"));
  EXPECT_THAT(xml, HasSubstr("<Status>Disabled</Status>"));

  Rules got = GetLifecycle();
  ASSERT_TRUE(got.error.ok) << got.error;
  using Rule = std::tuple<std::string, std::string, bool, uint32_t, uint32_t>;
  EXPECT_THAT(got.rules, ElementsAre(Rule{"expire logs & <tmp>", "logs/", true, 30, 0},
                                     Rule{"abort uploads", "", false, 0, 2},
                                     Rule{"both", "a&b/", true, 365, 7}));

  ASSERT_TRUE(SetLifecycle({}).ok);
  EXPECT_TRUE(fake().Json("GET", "lifecycle?bucket=backups")["xml"].is_null());
  EXPECT_THAT(fake().WaitForRequests("DeleteBucketLifecycleConfiguration", 1), SizeIs(1));
  got = GetLifecycle();
  ASSERT_TRUE(got.error.ok) << got.error;
  EXPECT_THAT(got.rules, IsEmpty());
}

TEST_P(HousekeepingTest, ReadsR2sDefaultRule) {
  fake().SetSettings({{"r2_default_lifecycle", true}});
  Rules got = GetLifecycle();
  ASSERT_TRUE(got.error.ok) << got.error;
  using Rule = std::tuple<std::string, std::string, bool, uint32_t, uint32_t>;
  EXPECT_THAT(got.rules, ElementsAre(Rule{"Default Multipart Abort Rule", "", true, 0, 7}));
}

TEST_P(HousekeepingTest, LifecycleValidationNamesEveryBadField) {
  const std::string long_id(256, 'x');
  const std::vector<pluton_lifecycle_rule> rules = {
      {"", "p/", 1, 1, 0},             // rules[0].id empty
      {"dup", "", 1, 1, 0},            //
      {"dup", "", 1, 0, 3},            // rules[2].id repeated
      {"idle", "", 1, 0, 0},           // rules[3]: no action
      {long_id.c_str(), "", 1, 1, 0},  // rules[4].id too long
      {"ctl", "a\nb", 1, 1, 0},        // rules[5].prefix control character
  };
  Error error = SetLifecycle(rules);
  EXPECT_EQ(error.code, PLUTON_INVALID_ARGUMENT) << error;
  EXPECT_THAT(error.Violation("rules[0].id"), HasSubstr("empty"));
  EXPECT_THAT(error.Violation("rules[2].id"), HasSubstr("rules[1]"));
  EXPECT_THAT(error.Violation("rules[3]"), HasSubstr("no action"));
  EXPECT_THAT(error.Violation("rules[4].id"), HasSubstr("256"));
  EXPECT_THAT(error.Violation("rules[5].prefix"), HasSubstr("control"));
  EXPECT_EQ(error.violations.size(), 5u) << error;
  EXPECT_FALSE(error.HasViolation("rules[1].id"));
  EXPECT_THAT(fake().Requests(), IsEmpty()) << "nothing may be sent for invalid rules";
}

TEST_P(HousekeepingTest, RulesPlutonCannotExpressAreNeitherHiddenNorOverwritten) {
  const std::string foreign =
      "<LifecycleConfiguration><Rule><ID>mine</ID><Filter><Prefix>m/</Prefix></Filter>"
      "<Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>"
      "<Rule><ID>archive</ID><Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value>"
      "</Tag></And></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>"
      "STANDARD_IA</StorageClass></Transition></Rule></LifecycleConfiguration>";
  ASSERT_TRUE(fake().Control("PUT", "lifecycle?bucket=backups", foreign).ok());

  Rules got = GetLifecycle();
  EXPECT_EQ(got.error.code, PLUTON_FAILED_PRECONDITION) << got.error;
  EXPECT_EQ(got.error.reason, "LIFECYCLE_RULES_UNSUPPORTED");
  EXPECT_THAT(got.error.message, HasSubstr("\"archive\" uses Filter/And/Tag, Transition"));
  EXPECT_THAT(got.error.Violation("rules[1]"), HasSubstr("Transition"));
  EXPECT_FALSE(got.error.HasViolation("rules[0]"));

  const std::vector<pluton_lifecycle_rule> replacement = {{"new", "", 1, 10, 0}};
  Error set = SetLifecycle(replacement);
  EXPECT_EQ(set.code, PLUTON_FAILED_PRECONDITION) << set;
  EXPECT_THAT(set.message, HasSubstr("will not replace"));
  Error clear = SetLifecycle({});
  EXPECT_EQ(clear.code, PLUTON_FAILED_PRECONDITION) << clear;
  EXPECT_EQ(fake().Json("GET", "lifecycle?bucket=backups")["xml"], foreign);
  EXPECT_THAT(fake().Requests("PutBucketLifecycleConfiguration"), IsEmpty());
  EXPECT_THAT(fake().Requests("DeleteBucketLifecycleConfiguration"), IsEmpty());
}

TEST_P(HousekeepingTest, MissingBucketIsNotFoundNamingIt) {
  const std::string bucket = "no-such-bucket";
  std::vector<Error> errors = {
      List("", "", "", 10, bucket).error, Delete({"a", "b"}, bucket).error,
      Delete({"a"}, bucket).error,        ListUploads("", 10, bucket).error,
      GetLifecycle(bucket).error,         SetLifecycle({{"r", "", 1, 1, 0}}, bucket)};
  for (const Error& error : errors) {
    EXPECT_EQ(error.code, PLUTON_NOT_FOUND) << error;
    EXPECT_EQ(error.reason, "NO_SUCH_BUCKET") << error;
    EXPECT_THAT(error.message, HasSubstr("bucket \"no-such-bucket\" does not exist")) << error;
  }
  EXPECT_THAT(errors[0].message, HasSubstr("listing bucket"));
}

TEST_P(HousekeepingTest, NotImplementedIsUnimplemented) {
  fake().AddFault({{"operation", "ListMultipartUploads"}, {"status", 501}});
  ListedUploads uploads = ListUploads("", 10);
  EXPECT_EQ(uploads.error.code, PLUTON_UNIMPLEMENTED) << uploads.error;
  EXPECT_THAT(uploads.error.message, HasSubstr("listing the incomplete uploads of bucket"));
  fake().AddFault({{"operation", "GetBucketLifecycleConfiguration"}, {"status", 501}});
  Rules rules = GetLifecycle();
  EXPECT_EQ(rules.error.code, PLUTON_UNIMPLEMENTED) << rules.error;
  EXPECT_THAT(rules.error.message, HasSubstr("lacks the feature"));
}

TEST_P(HousekeepingTest, LifecycleNotImplementedIsLifecycleUnsupportedAndNamesTheCall) {
  fake().AddFault({{"operation", "GetBucketLifecycleConfiguration"}, {"status", 501}});
  Rules rules = GetLifecycle();
  EXPECT_EQ(rules.error.code, PLUTON_UNIMPLEMENTED) << rules.error;
  EXPECT_EQ(rules.error.reason, "LIFECYCLE_UNSUPPORTED") << rules.error;
  EXPECT_THAT(rules.error.message, HasSubstr("reading the lifecycle rules of bucket \"backups\""));

  // Setting reads the current rules first (501 there), writes them (501 there), or, with no
  // rules, deletes them (501 there): each time the error is about setting.
  const std::vector<pluton_lifecycle_rule> one = {{"r", "", 1, 1, 0}};
  for (const char* operation :
       {"GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration",
        "DeleteBucketLifecycleConfiguration"}) {
    SCOPED_TRACE(operation);
    fake().AddFault({{"operation", operation}, {"status", 501}});
    const bool deleting = std::string(operation).rfind("Delete", 0) == 0;
    Error error = SetLifecycle(deleting ? std::vector<pluton_lifecycle_rule>{} : one);
    EXPECT_EQ(error.code, PLUTON_UNIMPLEMENTED) << error;
    EXPECT_EQ(error.reason, "LIFECYCLE_UNSUPPORTED") << error;
    EXPECT_THAT(error.message, HasSubstr("setting the lifecycle rules of bucket \"backups\""));
    EXPECT_THAT(error.message, Not(HasSubstr("reading")));
  }
  EXPECT_TRUE(fake().Json("GET", "lifecycle?bucket=backups")["xml"].is_null());
}

TEST_P(HousekeepingTest, AccessDeniedNamesTheMissingPermission) {
  const Config scoped = ConfigFor(kScopedKeyId, kScopedSecret);
  Rules rules = GetLifecycle("backups", &scoped);
  EXPECT_EQ(rules.error.code, PLUTON_PERMISSION_DENIED) << rules.error;
  EXPECT_THAT(rules.error.message, HasSubstr(GetParam().lifecycle_permission));
  EXPECT_THAT(rules.error.message, HasSubstr("reading the lifecycle rules of bucket \"backups\""));

  Put("k1");
  Put("k2");
  const Config read_only = ConfigFor(kReadOnlyKeyId, kReadOnlySecret);
  Deleted deleted = Delete({"k1", "k2"}, "backups", &read_only);
  EXPECT_EQ(deleted.error.code, PLUTON_PERMISSION_DENIED) << deleted.error;
  EXPECT_THAT(deleted.error.message, HasSubstr(GetParam().delete_permission));
  EXPECT_THAT(StoredKeys(), ElementsAre("k1", "k2"));
  ListedObjects listed = List("", "", "", 10, "backups", &read_only);
  EXPECT_TRUE(listed.error.ok) << listed.error;
  EXPECT_THAT(listed.keys, ElementsAre("k1", "k2"));
}

TEST_P(HousekeepingTest, WrongSecretIsExplainedWithoutTheSecret) {
  const Config wrong = ConfigFor(kAdminKeyId, kWrongSecret);
  ListedObjects listed = List("", "", "", 10, "backups", &wrong);
  EXPECT_EQ(listed.error.code, PLUTON_UNAUTHENTICATED) << listed.error;
  EXPECT_EQ(listed.error.reason, "SIGNATURE_MISMATCH");
  EXPECT_THAT(listed.error.message, HasSubstr("Secret Access Key"));
}

INSTANTIATE_TEST_SUITE_P(Plugins, HousekeepingTest,
                         ::testing::Values(PluginCase{"pluton_r2.so", true, "Object Read & Write",
                                                      "Admin"},
                                           PluginCase{"pluton_s3.so", false, "s3:DeleteObject",
                                                      "s3:GetLifecycleConfiguration"}),
                         [](const ::testing::TestParamInfo<PluginCase>& info) {
                           return std::string(info.param.is_r2 ? "r2" : "s3");
                         });

}  // namespace
}  // namespace pluton::r2_test
