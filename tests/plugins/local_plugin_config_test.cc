// The local plugin's entry point, table and configuration, through the C ABI.
#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "local_plugin_test_util.h"
#include "nlohmann/json.hpp"

namespace pluton::local_test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TEST_F(LocalPluginTest, EntryReturnsACompleteTable) {
  EXPECT_EQ(api_->struct_size, sizeof(pluton_plugin_api));
  EXPECT_EQ(api_->abi_major, static_cast<uint32_t>(PLUTON_PLUGIN_ABI_MAJOR));
  EXPECT_EQ(api_->abi_minor, static_cast<uint32_t>(PLUTON_PLUGIN_ABI_MINOR));
  EXPECT_STREQ(api_->provider_id, "local");
  EXPECT_STREQ(api_->display_name, "Local directory");
  ASSERT_NE(api_->description, nullptr);
  ASSERT_NE(api_->plugin_version, nullptr);
  EXPECT_NE(api_->error_destroy, nullptr);
  EXPECT_NE(api_->config_schema_json, nullptr);
  EXPECT_NE(api_->validate_config, nullptr);
  EXPECT_NE(api_->test_connection, nullptr);
  EXPECT_NE(api_->test_report_destroy, nullptr);
  EXPECT_NE(api_->upload_begin, nullptr);
  EXPECT_NE(api_->upload_write, nullptr);
  EXPECT_NE(api_->upload_finish, nullptr);
  EXPECT_NE(api_->upload_abort, nullptr);
  EXPECT_NE(api_->upload_destroy, nullptr);
  // NULL is a no-op for every destroy function.
  api_->error_destroy(nullptr);
  api_->test_report_destroy(nullptr);
  api_->upload_abort(nullptr);
  api_->upload_destroy(nullptr);
}

TEST_F(LocalPluginTest, EntryRefusesAnotherMajorVersion) {
  const LoadedPlugin& plugin = LoadedPlugin::Get(kPluginFile);
  pluton_host_api other = *TestHost::Api();
  other.abi_major = PLUTON_PLUGIN_ABI_MAJOR + 1;
  EXPECT_EQ(plugin.entry(&other), nullptr);
  other.abi_major = 0;
  EXPECT_EQ(plugin.entry(&other), nullptr);
  EXPECT_EQ(plugin.entry(nullptr), nullptr);
  // The same host again gets the same constant table.
  EXPECT_EQ(plugin.entry(TestHost::Api()), api_);
}

// Symbols the .so defines and exports (its .dynsym entries with a section), read from disk.
std::vector<std::string> DefinedDynamicSymbols(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> names;
  if (file.size() < sizeof(Elf64_Ehdr)) return names;
  const auto* header = reinterpret_cast<const Elf64_Ehdr*>(file.data());
  if (std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 ||
      header->e_ident[EI_CLASS] != ELFCLASS64) {
    ADD_FAILURE() << path << " is not a 64-bit ELF file";
    return names;
  }
  const auto* sections = reinterpret_cast<const Elf64_Shdr*>(file.data() + header->e_shoff);
  for (int i = 0; i < header->e_shnum; ++i) {
    if (sections[i].sh_type != SHT_DYNSYM) continue;
    const char* strings = file.data() + sections[sections[i].sh_link].sh_offset;
    const auto* symbols = reinterpret_cast<const Elf64_Sym*>(file.data() + sections[i].sh_offset);
    for (size_t j = 0; j < sections[i].sh_size / sizeof(Elf64_Sym); ++j) {
      const Elf64_Sym& sym = symbols[j];
      const int binding = ELF64_ST_BIND(sym.st_info);
      if (sym.st_shndx == SHN_UNDEF ||
          (binding != STB_GLOBAL && binding != STB_WEAK && binding != STB_GNU_UNIQUE)) {
        continue;
      }
      names.push_back(strings + sym.st_name);
    }
  }
  return names;
}

TEST_F(LocalPluginTest, ExportsOnlyTheEntrySymbol) {
  const std::vector<std::string> exported =
      DefinedDynamicSymbols(std::string(PLUTON_TEST_PLUGIN_DIR) + "/pluton_local.so");
  EXPECT_THAT(exported, ::testing::ElementsAre(PLUTON_STORAGE_PLUGIN_ENTRY));
}

TEST_F(LocalPluginTest, SchemaJsonDescribesTheFields) {
  const char* text = api_->config_schema_json();
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(api_->config_schema_json(), text);  // static
  const nlohmann::json schema = nlohmann::json::parse(text);
  ASSERT_TRUE(schema.is_array());
  ASSERT_EQ(schema.size(), 3u);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& field : schema) by_name[field.at("name").get<std::string>()] = field;

  const auto& root = by_name.at("root");
  EXPECT_EQ(root["type"], "string");
  EXPECT_EQ(root["required"], true);
  EXPECT_EQ(root["secret"], false);
  EXPECT_EQ(root["advanced"], false);
  EXPECT_THAT(root["help"].get<std::string>(), HasSubstr("Absolute path"));
  EXPECT_FALSE(root["label"].get<std::string>().empty());
  EXPECT_FALSE(root["placeholder"].get<std::string>().empty());

  const auto& fsync = by_name.at("fsync");
  EXPECT_EQ(fsync["type"], "bool");
  EXPECT_EQ(fsync["required"], false);
  EXPECT_EQ(fsync["default"], "true");
  EXPECT_EQ(fsync["advanced"], true);
  EXPECT_THAT(fsync["help"].get<std::string>(),
              HasSubstr("lush data to disk before the upload is reported stored"));

  const auto& create = by_name.at("create_buckets");
  EXPECT_EQ(create["type"], "bool");
  EXPECT_EQ(create["default"], "true");
  EXPECT_EQ(create["advanced"], true);
  EXPECT_THAT(create["help"].get<std::string>(), HasSubstr("NOT_FOUND"));
}

TEST_F(LocalPluginTest, ValidConfigs) {
  EXPECT_TRUE(Check(api_->validate_config(config_.get())).ok);
  Config full{{"root", "/does/not/need/to/exist/"}, {"fsync", "false"}, {"create_buckets", "true"}};
  EXPECT_TRUE(Check(api_->validate_config(full.get())).ok) << "validation never touches disk";
  Config slash{{"root", "/"}};
  EXPECT_TRUE(Check(api_->validate_config(slash.get())).ok);
}

TEST_F(LocalPluginTest, MissingRootUnknownFieldAndBadBoolInOneError) {
  Config config{{"fsync", "maybe"}, {"colour", "blue"}};
  const Error error = Check(api_->validate_config(config.get()));
  ASSERT_FALSE(error.ok);
  EXPECT_EQ(error.code, PLUTON_INVALID_ARGUMENT);
  EXPECT_EQ(error.reason, "INVALID_CONFIG");
  EXPECT_THAT(
      error.violations,
      UnorderedElementsAre(Pair("root", HasSubstr("required but not set")),
                           Pair("fsync", "\"maybe\" is not a bool; use true or false"),
                           Pair("colour", AllOf(HasSubstr("unknown field"),
                                                HasSubstr("root, fsync, create_buckets")))));
  EXPECT_THAT(error.message, AllOf(HasSubstr("root:"), HasSubstr("fsync:"), HasSubstr("colour:")));
}

TEST_F(LocalPluginTest, RelativeRootAndOtherProblemsInOneError) {
  Config config{
      {"root", "data/pluton"}, {"fsync", "maybe"}, {"rooot", "/x"}, {"create_buckets", "yes"}};
  const Error error = Check(api_->validate_config(config.get()));
  ASSERT_FALSE(error.ok);
  EXPECT_EQ(error.code, PLUTON_INVALID_ARGUMENT);
  EXPECT_EQ(error.reason, "INVALID_CONFIG");
  EXPECT_THAT(error.violations,
              UnorderedElementsAre(
                  Pair("root", AllOf(HasSubstr("\"data/pluton\" is not an absolute path"),
                                     HasSubstr("starts with /"))),
                  Pair("fsync", HasSubstr("\"maybe\" is not a bool")),
                  Pair("rooot", AllOf(HasSubstr("unknown field"), HasSubstr("did you mean root"))),
                  Pair("create_buckets", HasSubstr("\"yes\" is not a bool"))));
}

TEST_F(LocalPluginTest, EmptyAndNullConfig) {
  Config empty_root{{"root", ""}};
  EXPECT_THAT(Check(api_->validate_config(empty_root.get())).violations,
              UnorderedElementsAre(Pair("root", HasSubstr("required but empty"))));
  EXPECT_THAT(Check(api_->validate_config(nullptr)).violations,
              UnorderedElementsAre(Pair("root", HasSubstr("required but not set"))));
}

TEST_F(LocalPluginTest, EveryOperationValidatesTheConfig) {
  Config bad{{"root", "relative"}};
  const std::string bucket = "b", key = "k";
  pluton_upload_params params = Params(bucket, key);
  pluton_upload* upload = reinterpret_cast<pluton_upload*>(0x1);
  Error error = Check(api_->upload_begin(bad.get(), &params, &upload));
  EXPECT_EQ(error.reason, "INVALID_CONFIG");
  EXPECT_EQ(upload, nullptr);

  pluton_test_params test_params{};
  test_params.struct_size = sizeof(test_params);
  test_params.bucket = "";
  pluton_test_report* report = reinterpret_cast<pluton_test_report*>(0x1);
  error = Check(api_->test_connection(bad.get(), &test_params, &report));
  EXPECT_EQ(error.reason, "INVALID_CONFIG");
  EXPECT_EQ(report, nullptr);
  EXPECT_THAT(error.violations, Contains(Pair("root", HasSubstr("absolute"))));
}

}  // namespace
}  // namespace pluton::local_test
