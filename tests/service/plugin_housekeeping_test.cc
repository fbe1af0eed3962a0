// PluginProvider's ABI 1.2 housekeeping calls against a table in this binary: results are
// copied and released with the plugin's destroy functions, plugins that break the contract get
// INTERNAL (never a crash), tables without a group get UNIMPLEMENTED, and a partly set group
// is refused at load.
#include <cstring>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin/plugin_provider.h"
#include "pluton/storage_plugin.h"

namespace pluton::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// What the fake table hands out, and what it saw.
struct Fake {
  int destroys = 0;
  pluton_object_list list{};
  pluton_object_entry entries[2]{};
  const char* prefixes[1] = {"photos/"};
  pluton_object_stat stat{};
  pluton_kv metadata[1] = {{"origin", "agent-7"}};
  uint8_t md5[16] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
                     0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
  pluton_delete_failure failures[1] = {{"locked", PLUTON_PERMISSION_DENIED, "object is locked"}};
  pluton_delete_result delete_result{};
  std::vector<std::string> keys_seen;
  pluton_lifecycle lifecycle{};
  std::vector<std::string> rules_seen;
  pluton_lifecycle_rule rules_out[1] = {{"expire-tmp", "tmp/", 1, 7, 1}};
  std::string list_prefix_seen, list_token_seen;
  uint32_t list_max_seen = 0;
};
Fake* g = nullptr;

void ErrorDestroy(pluton_error*) {}
const char* Schema() { return "[]"; }
pluton_error* Validate(const pluton_config*) { return nullptr; }
pluton_error* Test(const pluton_config*, const pluton_test_params*, pluton_test_report**) {
  return nullptr;
}
void ReportDestroy(pluton_test_report*) {}
pluton_error* Begin(const pluton_config*, const pluton_upload_params*, pluton_upload**) {
  return nullptr;
}
pluton_error* Write(pluton_upload*, const uint8_t*, size_t) { return nullptr; }
pluton_error* Finish(pluton_upload*, pluton_upload_result*) { return nullptr; }
void Abort(pluton_upload*) {}
void Destroy(pluton_upload*) {}

pluton_error* List(const pluton_config*, const pluton_list_params* p, pluton_object_list** out) {
  g->list_prefix_seen = p->prefix;
  g->list_token_seen = p->page_token;
  g->list_max_seen = p->max_entries;
  *out = &g->list;
  return nullptr;
}
void ListDestroy(pluton_object_list* l) {
  if (l != nullptr) ++g->destroys;
}
pluton_error* Stat(const pluton_config*, const pluton_object_params*, pluton_object_stat** out) {
  *out = &g->stat;
  return nullptr;
}
void StatDestroy(pluton_object_stat* s) {
  if (s != nullptr) ++g->destroys;
}
pluton_error* Delete(const pluton_config*, const pluton_delete_params* p,
                     pluton_delete_result** out) {
  for (size_t i = 0; i < p->key_count; ++i) g->keys_seen.push_back(p->keys[i]);
  *out = &g->delete_result;
  return nullptr;
}
void DeleteDestroy(pluton_delete_result* r) {
  if (r != nullptr) ++g->destroys;
}
pluton_error* GetRules(const pluton_config*, const pluton_object_params*, pluton_lifecycle** out) {
  *out = &g->lifecycle;
  return nullptr;
}
pluton_error* SetRules(const pluton_config*, const pluton_object_params*,
                       const pluton_lifecycle* in) {
  for (size_t i = 0; i < in->rule_count; ++i) {
    g->rules_seen.push_back(std::string(in->rules[i].id) + "|" + in->rules[i].prefix + "|" +
                            std::to_string(in->rules[i].expire_after_days) + "|" +
                            std::to_string(in->rules[i].abort_incomplete_after_days));
  }
  return nullptr;
}
void LifecycleDestroy(pluton_lifecycle* l) {
  if (l != nullptr) ++g->destroys;
}

pluton_plugin_api Table() {
  pluton_plugin_api api{};
  api.struct_size = sizeof(api);
  api.abi_major = PLUTON_PLUGIN_ABI_MAJOR;
  api.abi_minor = PLUTON_PLUGIN_ABI_MINOR;
  api.provider_id = "house";
  api.display_name = "House";
  api.error_destroy = &ErrorDestroy;
  api.config_schema_json = &Schema;
  api.validate_config = &Validate;
  api.test_connection = &Test;
  api.test_report_destroy = &ReportDestroy;
  api.upload_begin = &Begin;
  api.upload_write = &Write;
  api.upload_finish = &Finish;
  api.upload_abort = &Abort;
  api.upload_destroy = &Destroy;
  api.list_objects = &List;
  api.object_list_destroy = &ListDestroy;
  api.stat_object = &Stat;
  api.object_stat_destroy = &StatDestroy;
  api.delete_objects = &Delete;
  api.delete_result_destroy = &DeleteDestroy;
  api.get_lifecycle = &GetRules;
  api.set_lifecycle = &SetRules;
  api.lifecycle_destroy = &LifecycleDestroy;
  return api;
}

class PluginHousekeepingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g = &fake_;
    fake_.entries[0] = {"a.bin", 5, 1700000000123, "etag-a", "STANDARD"};
    fake_.entries[1] = {"b.bin", 0, 0, nullptr, nullptr};  // NULL strings: the host copes
    fake_.list = {sizeof(pluton_object_list), 2, fake_.entries, 1, fake_.prefixes, "next-1"};
    fake_.stat = {sizeof(pluton_object_stat),
                  42,
                  1700000000000,
                  "e",
                  fake_.md5,
                  "STANDARD_IA",
                  "text/plain",
                  1,
                  fake_.metadata};
    fake_.delete_result = {sizeof(pluton_delete_result), 1, fake_.failures};
    fake_.lifecycle = {sizeof(pluton_lifecycle), 1, fake_.rules_out};
  }
  void TearDown() override { g = nullptr; }

  std::unique_ptr<PluginProvider> Create() {
    auto provider = PluginProvider::Create(&api_);
    EXPECT_TRUE(provider.ok()) << provider.status();
    return provider.ok() ? *std::move(provider) : nullptr;
  }

  Fake fake_;
  pluton_plugin_api api_ = Table();
};

TEST_F(PluginHousekeepingTest, ListingIsCopiedAndReleased) {
  auto provider = Create();
  ListSpec spec;
  spec.bucket = "b";
  spec.prefix = "p/";
  spec.page_token = "tok";
  spec.max_entries = 2;
  auto listing = provider->ListObjects({}, spec, nullptr);
  ASSERT_TRUE(listing.ok()) << listing.status();
  EXPECT_EQ(fake_.destroys, 1);
  EXPECT_EQ(fake_.list_prefix_seen, "p/");
  EXPECT_EQ(fake_.list_token_seen, "tok");
  EXPECT_EQ(fake_.list_max_seen, 2u);
  ASSERT_EQ(listing->objects.size(), 2u);
  EXPECT_EQ(listing->objects[0].key, "a.bin");
  EXPECT_EQ(listing->objects[0].size, 5u);
  EXPECT_EQ(listing->objects[0].modified, absl::FromUnixMillis(1700000000123));
  EXPECT_EQ(listing->objects[0].storage_class, "STANDARD");
  EXPECT_EQ(listing->objects[1].etag, "");
  EXPECT_FALSE(listing->objects[1].modified.has_value());
  EXPECT_THAT(listing->common_prefixes, ElementsAre("photos/"));
  EXPECT_EQ(listing->next_page_token, "next-1");
}

TEST_F(PluginHousekeepingTest, ListingContractViolationsAreInternalErrors) {
  auto provider = Create();
  ListSpec spec;
  spec.bucket = "b";
  fake_.list.objects = nullptr;  // claims 2 objects without an array
  auto listing = provider->ListObjects({}, spec, nullptr);
  EXPECT_EQ(listing.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(listing.status().message(), HasSubstr("without a usable array"));
  EXPECT_EQ(fake_.destroys, 1);  // released all the same

  fake_.list.objects = fake_.entries;
  spec.page_token = "next-1";  // the plugin answers the same token: an endless listing
  listing = provider->ListObjects({}, spec, nullptr);
  EXPECT_EQ(listing.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(listing.status().message(), HasSubstr("endless"));

  spec.page_token = "";
  spec.max_entries = 0;
  listing = provider->ListObjects({}, spec, nullptr);
  EXPECT_EQ(listing.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PluginHousekeepingTest, StatCarriesMd5AndMetadata) {
  auto provider = Create();
  auto stat = provider->StatObject({}, "b", "k", nullptr);
  ASSERT_TRUE(stat.ok()) << stat.status();
  EXPECT_EQ(stat->size, 42u);
  ASSERT_TRUE(stat->stored_md5.has_value());
  EXPECT_EQ(*stat->stored_md5, std::string(reinterpret_cast<const char*>(fake_.md5), 16));
  EXPECT_EQ(stat->content_type, "text/plain");
  EXPECT_EQ(stat->metadata.at("origin"), "agent-7");
  EXPECT_EQ(fake_.destroys, 1);

  EXPECT_EQ(provider->StatObject({}, "b", "../k", nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PluginHousekeepingTest, DeleteReportsPerKeyFailures) {
  auto provider = Create();
  auto failures = provider->DeleteObjects({}, "b", {"x", "locked"}, nullptr);
  ASSERT_TRUE(failures.ok()) << failures.status();
  EXPECT_THAT(fake_.keys_seen, ElementsAre("x", "locked"));
  ASSERT_EQ(failures->size(), 1u);
  EXPECT_EQ((*failures)[0].key, "locked");
  EXPECT_EQ((*failures)[0].code, absl::StatusCode::kPermissionDenied);
  EXPECT_EQ((*failures)[0].message, "object is locked");

  auto empty = provider->DeleteObjects({}, "b", {}, nullptr);
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PluginHousekeepingTest, LifecycleRulesCrossTheAbiBothWays) {
  auto provider = Create();
  ASSERT_TRUE(provider->SetLifecycle({}, "b", {{"r1", "logs/", true, 30, 2}}, nullptr).ok());
  EXPECT_THAT(fake_.rules_seen, ElementsAre("r1|logs/|30|2"));
  auto rules = provider->GetLifecycle({}, "b", nullptr);
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ((*rules)[0].id, "expire-tmp");
  EXPECT_EQ((*rules)[0].prefix, "tmp/");
  EXPECT_EQ((*rules)[0].expire_after_days, 7u);
  EXPECT_EQ((*rules)[0].abort_incomplete_after_days, 1u);
}

TEST_F(PluginHousekeepingTest, AbsentGroupIsUnimplemented) {
  // The incomplete-upload group is all NULL in this table.
  auto provider = Create();
  ListSpec spec;
  spec.bucket = "b";
  auto uploads = provider->ListIncompleteUploads({}, spec, nullptr);
  EXPECT_EQ(uploads.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(uploads.status().message(), HasSubstr("cannot manage incomplete uploads"));
}

TEST_F(PluginHousekeepingTest, OlderTableEndsBeforeTheGroups) {
  // A 1.1 plugin: its table ends before list_objects; whatever follows must not be read.
  api_.struct_size = offsetof(pluton_plugin_api, list_objects);
  auto provider = Create();
  ListSpec spec;
  spec.bucket = "b";
  EXPECT_EQ(provider->ListObjects({}, spec, nullptr).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(provider->GetLifecycle({}, "b", nullptr).status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST_F(PluginHousekeepingTest, PartlySetGroupIsRefusedAtLoad) {
  api_.object_stat_destroy = nullptr;
  auto provider = PluginProvider::Create(&api_);
  ASSERT_FALSE(provider.ok());
  EXPECT_EQ(provider.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(provider.status().message(),
              HasSubstr("sets stat_object but not object_stat_destroy"));
}

}  // namespace
}  // namespace pluton::storage
