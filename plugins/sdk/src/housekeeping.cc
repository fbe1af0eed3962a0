#include "pluton/sdk/housekeeping.h"

#include <algorithm>
#include <deque>
#include <memory>

#include "pluton/sdk/abi_util.h"

namespace pluton::plugin_sdk {
namespace {

// Owns the strings and arrays a released struct points into.
class Arena {
 public:
  const char* Keep(const std::string& text) {
    strings_.push_back(text);
    return strings_.back().c_str();
  }
  // `n` value-initialized elements; NULL when n == 0.
  template <class T>
  T* Array(size_t n) {
    if (n == 0) return nullptr;
    std::shared_ptr<T[]> array(new T[n]());
    arrays_.push_back(array);
    return array.get();
  }

 private:
  std::deque<std::string> strings_;  // a deque never moves its elements
  std::vector<std::shared_ptr<void>> arrays_;
};

// A released struct: the C struct first, so a pointer to it is a pointer to the block
// (both members are standard-layout, so the block is too).
template <class C>
struct Block {
  C c;
  Arena* arena;
};

template <class C>
Block<C>* NewBlock() {
  auto arena = std::make_unique<Arena>();
  auto* block = new Block<C>{};
  block->c.struct_size = sizeof(C);
  block->arena = arena.release();
  return block;
}

template <class C>
void DestroyBlock(C* c) noexcept {
  if (c == nullptr) return;
  auto* block = reinterpret_cast<Block<C>*>(c);
  delete block->arena;
  delete block;
}

std::string Str(const char* s) { return std::string(View(s)); }

}  // namespace

ListRequest ReadListParams(const pluton_list_params* params) {
  ListRequest request;
  if (params == nullptr) return request;
  if (PLUTON_SDK_HAS_FIELD(params, pluton_list_params, bucket))
    request.bucket = Str(params->bucket);
  if (PLUTON_SDK_HAS_FIELD(params, pluton_list_params, prefix))
    request.prefix = Str(params->prefix);
  if (PLUTON_SDK_HAS_FIELD(params, pluton_list_params, delimiter)) {
    request.delimiter = Str(params->delimiter);
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_list_params, page_token)) {
    request.page_token = Str(params->page_token);
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_list_params, max_entries)) {
    request.max_entries = std::clamp<uint32_t>(params->max_entries, 1, 1000);
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_list_params, cancel)) request.cancel = params->cancel;
  return request;
}

std::vector<std::string> ReadDeleteKeys(const pluton_delete_params* params) {
  std::vector<std::string> keys;
  if (!PLUTON_SDK_HAS_FIELD(params, pluton_delete_params, keys) || params->keys == nullptr) {
    return keys;
  }
  keys.reserve(params->key_count);
  for (size_t i = 0; i < params->key_count; ++i) keys.push_back(Str(params->keys[i]));
  return keys;
}

std::vector<LifecycleRule> ReadLifecycle(const pluton_lifecycle* lifecycle) {
  std::vector<LifecycleRule> rules;
  if (!PLUTON_SDK_HAS_FIELD(lifecycle, pluton_lifecycle, rules) || lifecycle->rules == nullptr) {
    return rules;
  }
  for (size_t i = 0; i < lifecycle->rule_count; ++i) {
    const pluton_lifecycle_rule& in = lifecycle->rules[i];
    rules.push_back(LifecycleRule{Str(in.id), Str(in.prefix), in.enabled != 0, in.expire_after_days,
                                  in.abort_incomplete_after_days});
  }
  return rules;
}

pluton_object_list* ReleaseObjectList(const ObjectListPage& page) {
  Block<pluton_object_list>* block = NewBlock<pluton_object_list>();
  Arena& arena = *block->arena;
  pluton_object_list& list = block->c;
  try {
    auto* objects = arena.Array<pluton_object_entry>(page.objects.size());
    for (size_t i = 0; i < page.objects.size(); ++i) {
      const ObjectEntry& in = page.objects[i];
      objects[i] = pluton_object_entry{arena.Keep(in.key), in.size, in.modified_unix_ms,
                                       arena.Keep(in.etag), arena.Keep(in.storage_class)};
    }
    auto* prefixes = arena.Array<const char*>(page.common_prefixes.size());
    for (size_t i = 0; i < page.common_prefixes.size(); ++i) {
      prefixes[i] = arena.Keep(page.common_prefixes[i]);
    }
    list.object_count = page.objects.size();
    list.objects = objects;
    list.prefix_count = page.common_prefixes.size();
    list.common_prefixes = prefixes;
    list.next_page_token = arena.Keep(page.next_page_token);
  } catch (...) {
    DestroyObjectList(&list);
    throw;
  }
  return &list;
}

void DestroyObjectList(pluton_object_list* list) noexcept { DestroyBlock(list); }

pluton_object_stat* ReleaseObjectStat(const ObjectStat& in) {
  Block<pluton_object_stat>* block = NewBlock<pluton_object_stat>();
  Arena& arena = *block->arena;
  pluton_object_stat& stat = block->c;
  try {
    stat.size = in.size;
    stat.modified_unix_ms = in.modified_unix_ms;
    stat.etag = arena.Keep(in.etag);
    stat.stored_md5 = in.stored_md5.size() == 16
                          ? reinterpret_cast<const uint8_t*>(arena.Keep(in.stored_md5))
                          : nullptr;
    stat.storage_class = arena.Keep(in.storage_class);
    stat.content_type = arena.Keep(in.content_type);
    auto* metadata = arena.Array<pluton_kv>(in.metadata.size());
    for (size_t i = 0; i < in.metadata.size(); ++i) {
      metadata[i] = pluton_kv{arena.Keep(in.metadata[i].first), arena.Keep(in.metadata[i].second)};
    }
    stat.metadata_count = in.metadata.size();
    stat.metadata = metadata;
  } catch (...) {
    DestroyObjectStat(&stat);
    throw;
  }
  return &stat;
}

void DestroyObjectStat(pluton_object_stat* stat) noexcept { DestroyBlock(stat); }

pluton_delete_result* ReleaseDeleteResult(const std::vector<DeleteFailure>& failures) {
  Block<pluton_delete_result>* block = NewBlock<pluton_delete_result>();
  Arena& arena = *block->arena;
  pluton_delete_result& result = block->c;
  try {
    auto* array = arena.Array<pluton_delete_failure>(failures.size());
    for (size_t i = 0; i < failures.size(); ++i) {
      array[i] = pluton_delete_failure{arena.Keep(failures[i].key), failures[i].code,
                                       arena.Keep(failures[i].message)};
    }
    result.failure_count = failures.size();
    result.failures = array;
  } catch (...) {
    DestroyDeleteResult(&result);
    throw;
  }
  return &result;
}

void DestroyDeleteResult(pluton_delete_result* result) noexcept { DestroyBlock(result); }

pluton_incomplete_upload_list* ReleaseIncompleteUploads(const IncompleteUploadPage& page) {
  Block<pluton_incomplete_upload_list>* block = NewBlock<pluton_incomplete_upload_list>();
  Arena& arena = *block->arena;
  pluton_incomplete_upload_list& list = block->c;
  try {
    auto* array = arena.Array<pluton_incomplete_upload>(page.uploads.size());
    for (size_t i = 0; i < page.uploads.size(); ++i) {
      const IncompleteUpload& in = page.uploads[i];
      array[i] = pluton_incomplete_upload{arena.Keep(in.key), arena.Keep(in.upload_id),
                                          in.initiated_unix_ms};
    }
    list.upload_count = page.uploads.size();
    list.uploads = array;
    list.next_page_token = arena.Keep(page.next_page_token);
  } catch (...) {
    DestroyIncompleteUploads(&list);
    throw;
  }
  return &list;
}

void DestroyIncompleteUploads(pluton_incomplete_upload_list* list) noexcept { DestroyBlock(list); }

pluton_lifecycle* ReleaseLifecycle(const std::vector<LifecycleRule>& rules) {
  Block<pluton_lifecycle>* block = NewBlock<pluton_lifecycle>();
  Arena& arena = *block->arena;
  pluton_lifecycle& lifecycle = block->c;
  try {
    auto* array = arena.Array<pluton_lifecycle_rule>(rules.size());
    for (size_t i = 0; i < rules.size(); ++i) {
      const LifecycleRule& in = rules[i];
      array[i] = pluton_lifecycle_rule{arena.Keep(in.id), arena.Keep(in.prefix), in.enabled ? 1 : 0,
                                       in.expire_after_days, in.abort_incomplete_after_days};
    }
    lifecycle.rule_count = rules.size();
    lifecycle.rules = array;
  } catch (...) {
    DestroyLifecycle(&lifecycle);
    throw;
  }
  return &lifecycle;
}

void DestroyLifecycle(pluton_lifecycle* lifecycle) noexcept { DestroyBlock(lifecycle); }

}  // namespace pluton::plugin_sdk
