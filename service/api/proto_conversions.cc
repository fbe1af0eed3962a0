#include "api/proto_conversions.h"

#include "absl/strings/escaping.h"

namespace pluton::storage {
namespace {

v1::ConfigFieldType FieldTypeToProto(const std::string& type) {
  if (type == "string") return v1::CONFIG_FIELD_TYPE_STRING;
  if (type == "integer") return v1::CONFIG_FIELD_TYPE_INTEGER;
  if (type == "bool") return v1::CONFIG_FIELD_TYPE_BOOL;
  if (type == "enum") return v1::CONFIG_FIELD_TYPE_ENUM;
  if (type == "size") return v1::CONFIG_FIELD_TYPE_SIZE;
  return v1::CONFIG_FIELD_TYPE_UNSPECIFIED;
}

}  // namespace

void ToProto(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));
}

void ToProto(absl::Duration duration, google::protobuf::Duration* out) {
  const int64_t nanos = absl::ToInt64Nanoseconds(duration);
  out->set_seconds(nanos / 1000000000);
  out->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

absl::Duration FromProto(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) + absl::Nanoseconds(duration.nanos());
}

void ToProto(const StorageView& view, v1::Storage* out) {
  out->set_id(view.id);
  out->set_name(view.name);
  out->set_provider(view.provider);
  for (const auto& [key, value] : view.config) (*out->mutable_config())[key] = value;
  for (const auto& field : view.secret_fields_set) out->add_secret_fields_set(field);
  ToProto(view.create_time, out->mutable_create_time());
  ToProto(view.update_time, out->mutable_update_time());
}

void ToProto(const Provider& provider, v1::Provider* out) {
  out->set_id(provider.id());
  out->set_display_name(provider.display_name());
  out->set_description(provider.description());
  out->set_abi_version(provider.abi_version());
  out->set_plugin_version(provider.plugin_version());
  for (const ConfigFieldSpec& spec : provider.schema()) {
    v1::ConfigField* field = out->add_config_fields();
    field->set_name(spec.name);
    field->set_label(spec.label);
    field->set_type(FieldTypeToProto(spec.type));
    field->set_required(spec.required);
    field->set_secret(spec.secret);
    field->set_default_value(spec.default_value);
    for (const auto& value : spec.allowed_values) field->add_allowed_values(value);
    field->set_help(spec.help);
    field->set_advanced(spec.advanced);
    field->set_placeholder(spec.placeholder);
  }
}

void ToProto(const TestConnectionReport& report, v1::TestConnectionResponse* out) {
  out->set_success(report.success);
  out->set_reason(report.reason);
  out->set_message(report.message);
  for (const ConnectionCheckResult& check : report.checks) {
    v1::ConnectionCheck* c = out->add_checks();
    c->set_name(check.name);
    c->set_description(check.description);
    c->set_passed(check.passed);
    c->set_detail(check.detail);
    ToProto(check.latency, c->mutable_latency());
  }
}

ConfigMap ConfigFromProto(const google::protobuf::Map<std::string, std::string>& config) {
  return ConfigMap(config.begin(), config.end());
}

void ToProto(const ObjectDetails& object, v1::ObjectInfo* out) {
  out->set_key(object.key);
  out->set_size(static_cast<int64_t>(object.size));
  if (object.modified.has_value()) ToProto(*object.modified, out->mutable_modify_time());
  out->set_etag(object.etag);
  if (object.stored_md5.has_value()) out->set_md5_hex(absl::BytesToHexString(*object.stored_md5));
  out->set_storage_class(object.storage_class);
  out->set_content_type(object.content_type);
  for (const auto& [key, value] : object.metadata) (*out->mutable_metadata())[key] = value;
}

void ToProto(const IncompleteUploadInfo& upload, v1::IncompleteUpload* out) {
  out->set_key(upload.key);
  out->set_upload_id(upload.upload_id);
  if (upload.initiated.has_value()) ToProto(*upload.initiated, out->mutable_initiate_time());
}

void ToProto(const KeyFailure& failure, v1::DeleteFailure* out) {
  out->set_key(failure.key);
  out->set_code(static_cast<int32_t>(failure.code));
  out->set_message(failure.message);
}

void ToProto(const std::vector<LifecycleRuleSpec>& rules, v1::Lifecycle* out) {
  for (const LifecycleRuleSpec& rule : rules) {
    v1::LifecycleRule* r = out->add_rules();
    r->set_id(rule.id);
    r->set_prefix(rule.prefix);
    r->set_enabled(rule.enabled);
    r->set_expire_after_days(static_cast<int32_t>(rule.expire_after_days));
    r->set_abort_incomplete_upload_after_days(
        static_cast<int32_t>(rule.abort_incomplete_after_days));
  }
}

}  // namespace pluton::storage
