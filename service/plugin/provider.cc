#include "plugin/provider.h"

namespace pluton::storage {

absl::Status Provider::Unsupported(const std::string& what) const {
  return absl::UnimplementedError(absl::StrCat("storage provider \"", id(), "\" cannot ", what));
}

absl::StatusOr<ObjectListing> Provider::ListObjects(const ConfigMap&, const ListSpec&,
                                                    const std::atomic<bool>*) const {
  return Unsupported("list objects");
}

absl::StatusOr<ObjectDetails> Provider::StatObject(const ConfigMap&, const std::string&,
                                                   const std::string&,
                                                   const std::atomic<bool>*) const {
  return Unsupported("describe objects");
}

absl::StatusOr<std::vector<KeyFailure>> Provider::DeleteObjects(const ConfigMap&,
                                                                const std::string&,
                                                                const std::vector<std::string>&,
                                                                const std::atomic<bool>*) const {
  return Unsupported("delete objects");
}

absl::StatusOr<IncompleteUploadListing> Provider::ListIncompleteUploads(
    const ConfigMap&, const ListSpec&, const std::atomic<bool>*) const {
  return Unsupported("list incomplete uploads");
}

absl::Status Provider::AbortIncompleteUpload(const ConfigMap&, const std::string&,
                                             const std::string&, const std::string&,
                                             const std::atomic<bool>*) const {
  return Unsupported("abort incomplete uploads");
}

absl::StatusOr<std::vector<LifecycleRuleSpec>> Provider::GetLifecycle(
    const ConfigMap&, const std::string&, const std::atomic<bool>*) const {
  return Unsupported("manage lifecycle rules");
}

absl::Status Provider::SetLifecycle(const ConfigMap&, const std::string&,
                                    const std::vector<LifecycleRuleSpec>&,
                                    const std::atomic<bool>*) const {
  return Unsupported("manage lifecycle rules");
}

}  // namespace pluton::storage
