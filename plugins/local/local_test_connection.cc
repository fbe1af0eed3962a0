#include "local_test_connection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>

#include "local_config.h"
#include "local_fs.h"
#include "local_paths.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"
#include "pluton/sdk/test_report.h"

namespace pluton::local_provider {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kRootCheck[] = "root_directory";
constexpr char kBucketCheck[] = "bucket_directory";
constexpr char kWriteCheck[] = "write_probe";

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

uint64_t MicrosSince(Clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

// Reason for a failed write: access problems are PERMISSION_DENIED, the rest UNAVAILABLE.
const char* WriteReason(int err) {
  return err == EACCES || err == EPERM || err == EROFS ? "PERMISSION_DENIED" : "UNAVAILABLE";
}

struct Probe {
  const LocalConfig& config;
  plugin_sdk::TestReportBuilder& report;
};

// root_directory. Returns whether it passed.
bool CheckRoot(const Probe& p) {
  const Clock::time_point start = Clock::now();
  const std::string& root = p.config.root;
  struct stat st;
  if (::stat(root.c_str(), &st) != 0) {
    const int err = errno;
    const std::string detail = ErrnoText(err);
    p.report.AddCheck(kRootCheck, "config.root exists and is a directory", false, detail,
                      MicrosSince(start));
    if (err == ENOENT) {
      p.report.Fail("NOT_FOUND", "root directory " + Quoted(root) +
                                     " does not exist; create it or fix config.root");
    } else if (err == ENOTDIR) {
      p.report.Fail("NOT_A_DIRECTORY",
                    "a component of root " + Quoted(root) + " is not a directory; fix config.root");
    } else if (err == EACCES || err == EPERM) {
      p.report.Fail("PERMISSION_DENIED", "cannot access root directory " + Quoted(root) + ": " +
                                             detail + "; give the service's user access to it");
    } else {
      p.report.Fail("UNAVAILABLE", "cannot check root directory " + Quoted(root) + ": " + detail);
    }
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    p.report.AddCheck(kRootCheck, "config.root exists and is a directory", false,
                      "exists but is not a directory", MicrosSince(start));
    p.report.Fail("NOT_A_DIRECTORY", "root " + Quoted(root) +
                                         " exists but is not a directory; point config.root "
                                         "at a directory");
    return false;
  }
  p.report.AddCheck(kRootCheck, "config.root exists and is a directory", true, "",
                    MicrosSince(start));
  return true;
}

// bucket_directory. Returns whether it passed.
bool CheckBucketDir(const Probe& p, const std::string& bucket) {
  const Clock::time_point start = Clock::now();
  const std::string path = JoinPath(p.config.root, bucket);
  const char* description = "the bucket's directory exists under config.root";
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT && p.config.create_buckets) {
      p.report.AddCheck(kBucketCheck, description, true, "will be created on first upload",
                        MicrosSince(start));
      return true;
    }
    p.report.AddCheck(kBucketCheck, description, false, ErrnoText(err), MicrosSince(start));
    if (err == ENOENT) {
      p.report.Fail("NOT_FOUND", "bucket directory " + Quoted(path) +
                                     " does not exist under root; create it or set "
                                     "create_buckets=true");
    } else if (err == EACCES || err == EPERM) {
      p.report.Fail("PERMISSION_DENIED", "cannot access bucket directory " + Quoted(path) + ": " +
                                             ErrnoText(err) +
                                             "; give the service's user access to it");
    } else {
      p.report.Fail("UNAVAILABLE",
                    "cannot check bucket directory " + Quoted(path) + ": " + ErrnoText(err));
    }
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    p.report.AddCheck(kBucketCheck, description, false,
                      "exists but is not a directory (symlinks are not followed)",
                      MicrosSince(start));
    p.report.Fail("NOT_A_DIRECTORY", Quoted(path) +
                                         " exists but is not a directory; remove or rename it "
                                         "so the bucket directory can be used");
    return false;
  }
  p.report.AddCheck(kBucketCheck, description, true, "", MicrosSince(start));
  return true;
}

// write_probe. Returns whether it passed.
bool CheckWrite(const Probe& p) {
  const Clock::time_point start = Clock::now();
  const std::string& root = p.config.root;
  const std::string partial_path = JoinPath(root, kPartialDir);
  const char* description =
      "a small file can be created, written, flushed and removed under config.root";
  std::string step;
  int err = 0;
  {
    UniqueFd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    bool created = false;
    UniqueFd partial;
    const std::string name = "probe-" + RandomHex() + ".tmp";
    if (!root_fd.valid()) {
      err = errno;
      step = "opening " + Quoted(root);
    } else if ((err = MakeDirAt(root_fd.get(), kPartialDir, &created)) != 0) {
      step = "creating " + Quoted(partial_path);
    } else if (partial = UniqueFd(OpenDirAt(root_fd.get(), kPartialDir)); !partial.valid()) {
      err = errno;
      step = "opening " + Quoted(partial_path);
    } else {
      UniqueFd file(
          ::openat(partial.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
      if (!file.valid()) {
        err = errno;
        step = "creating a probe file in " + Quoted(partial_path);
      } else {
        static constexpr char kProbeData[] = "pluton local storage write probe\n";
        if ((err = WriteAll(file.get(), reinterpret_cast<const uint8_t*>(kProbeData),
                            sizeof(kProbeData) - 1)) != 0) {
          step = "writing a probe file in " + Quoted(partial_path);
        } else if ((err = Fsync(file.get())) != 0) {
          step = "flushing a probe file in " + Quoted(partial_path);
        } else if ((err = file.Close()) != 0) {
          step = "closing a probe file in " + Quoted(partial_path);
        }
        // Always try to remove the probe, even after a failed write.
        if (::unlinkat(partial.get(), name.c_str(), 0) != 0 && err == 0) {
          err = errno;
          step = "removing a probe file from " + Quoted(partial_path);
        }
      }
    }
  }
  if (err != 0) {
    const std::string detail = step + ": " + ErrnoText(err);
    p.report.AddCheck(kWriteCheck, description, false, detail, MicrosSince(start));
    p.report.Fail(WriteReason(err),
                  "cannot write under root " + Quoted(root) + ": " + detail +
                      (err == ENOSPC || err == EDQUOT
                           ? "; free space on its filesystem"
                           : "; give the service's user write access to it (and check that "
                             "its filesystem is mounted read-write)"));
    return false;
  }
  p.report.AddCheck(kWriteCheck, description, true, "", MicrosSince(start));
  return true;
}

}  // namespace

pluton_error* TestConnection(const pluton_config* config, const pluton_test_params* params,
                             pluton_test_report** out_report) {
  if (out_report == nullptr) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "test_connection needs out_report; this is a host bug");
  }
  *out_report = nullptr;
  LocalConfig cfg;
  if (pluton_error* error = ParseConfig(config, &cfg)) return error;

  std::string bucket;
  bool read_only = false;
  uint32_t timeout_ms = 0;
  const pluton_cancel_token* cancel = nullptr;
  if (PLUTON_SDK_HAS_FIELD(params, pluton_test_params, bucket)) {
    bucket = std::string(plugin_sdk::View(params->bucket));
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_test_params, read_only)) {
    read_only = params->read_only != 0;
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_test_params, timeout_ms)) {
    timeout_ms = params->timeout_ms;
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_test_params, cancel)) cancel = params->cancel;
  if (!bucket.empty()) {
    const std::string problem = CheckBucket(bucket);
    if (!problem.empty())
      return plugin_sdk::InvalidArgumentError({{"bucket", "bucket name " + problem}});
  }

  const Clock::time_point deadline_start = Clock::now();
  plugin_sdk::TestReportBuilder report;
  const Probe probe{cfg, report};
  // Between checks: stop on cancel (an error) or when the time is up (a failed test).
  auto may_continue = [&](pluton_error** error) {
    if (plugin_sdk::CancelToken::Cancelled(cancel)) {
      *error = plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED",
                                     "the connection test was cancelled by the service");
      return false;
    }
    if (timeout_ms > 0 && Clock::now() - deadline_start > std::chrono::milliseconds(timeout_ms)) {
      report.Fail("DEADLINE_EXCEEDED", "the connection test took longer than " +
                                           std::to_string(timeout_ms) +
                                           " ms; the filesystem holding root " + Quoted(cfg.root) +
                                           " is responding slowly");
      return false;
    }
    return true;
  };

  pluton_error* error = nullptr;
  bool ok = may_continue(&error) && CheckRoot(probe);
  if (ok && !bucket.empty()) ok = may_continue(&error) && CheckBucketDir(probe, bucket);
  if (ok && !read_only && may_continue(&error)) CheckWrite(probe);
  if (error != nullptr) return error;
  *out_report = report.Release();
  return nullptr;
}

}  // namespace pluton::local_provider
