// /metrics of a real StorageServer (port 0, metrics on 127.0.0.1:0, the real local plugin): a
// real upload and ListObjects through the client, then the counts read over HTTP. Each test
// runs in its own process (gtest_discover_tests), so the process-wide counts start at zero.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "client/byte_source.h"
#include "e2e/server_fixture.h"
#include "metrics/budget_metrics.h"
#include "metrics/http_get.h"
#include "metrics/storage_metrics.h"

namespace pluton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class MetricsApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    metrics_listen_ = "127.0.0.1:0";
    ServerFixture::SetUp();
  }
  std::string MetricsUrl(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", server_->metrics_port(), path);
  }
  // GET /metrics once every line of `settled` shows (a call is counted when the server has
  // finished it, which may be just after its client saw the answer), or after 10 s; the last
  // reply either way, for the test's assertions.
  HttpReply MetricsOnceSettled(const std::vector<std::string>& settled) const {
    HttpReply reply;
    for (int attempt = 0; attempt < 200; ++attempt) {
      reply = HttpRequest(MetricsUrl("/metrics"));
      bool all = true;
      for (const std::string& line : settled) all = all && absl::StrContains(reply.body, line);
      if (all) break;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return reply;
  }
};

TEST_F(MetricsApiTest, UploadAndListObjectsAreCounted) {
  ASSERT_GT(server_->metrics_port(), 0);
  AddLocalStorage("disk");
  const std::string data(100000, 'x');
  storage::client::MemoryByteSource source(data);
  auto uploaded = client_->Upload(Header("disk", "bucket", "a/b", data.size()), source);
  ASSERT_TRUE(uploaded.ok()) << uploaded.status();
  v1::ListObjectsRequest list;
  list.set_storage("disk");
  list.set_bucket("bucket");
  auto listed = client_->ListObjects(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  v1::ListObjectsRequest missing = list;
  missing.set_storage("no-such-storage");
  EXPECT_FALSE(client_->ListObjects(missing).ok());

  HttpReply reply = MetricsOnceSettled(
      {"\npluton_storage_grpc_calls_total{method=\"ListObjects\",code=\"NOT_FOUND\"} 1\n",
       "\npluton_storage_inflight_calls{method=\"ListObjects\"} 0\n",
       "\npluton_storage_buffer_budget_in_use_bytes 0\n"});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::string& body = reply.body;
  EXPECT_THAT(body, HasSubstr("# TYPE pluton_storage_uploads_total counter\n"));
  EXPECT_THAT(body, HasSubstr("\npluton_storage_uploads_total{provider=\"local\",storage=\"disk\","
                              "outcome=\"ok\"} 1\n"));
  EXPECT_THAT(body, HasSubstr("\npluton_storage_upload_bytes_total{provider=\"local\"} 100000\n"));
  EXPECT_THAT(body,
              HasSubstr(absl::StrCat("\npluton_storage_upload_parts_total{provider=\"local\"} ",
                                     uploaded->part_count(), "\n")));
  EXPECT_THAT(
      body, HasSubstr("\npluton_storage_grpc_calls_total{method=\"ListObjects\",code=\"OK\"} 1\n"));
  EXPECT_THAT(body, HasSubstr("\npluton_storage_grpc_calls_total{method=\"ListObjects\","
                              "code=\"NOT_FOUND\"} 1\n"));
  EXPECT_THAT(body,
              HasSubstr("\npluton_storage_grpc_calls_total{method=\"Upload\",code=\"OK\"} 1\n"));
  EXPECT_THAT(
      body, HasSubstr("\npluton_storage_grpc_calls_total{method=\"AddStorage\",code=\"OK\"} 1\n"));
  EXPECT_THAT(body, HasSubstr("\npluton_storage_inflight_calls{method=\"ListObjects\"} 0\n"));
  EXPECT_THAT(body, HasSubstr("\npluton_storage_buffer_budget_bytes 268435456\n"));
  EXPECT_THAT(body, HasSubstr("\npluton_storage_buffer_budget_in_use_bytes 0\n"));
  EXPECT_THAT(body, HasSubstr("\npluton_storage_plugin_load_failures_total 0\n"));
  // No per-object data on the metrics port.
  EXPECT_THAT(body, Not(HasSubstr("a/b")));
  EXPECT_THAT(body, Not(HasSubstr("bucket")));

  EXPECT_EQ(HttpRequest(MetricsUrl("/")).status, 404);
  EXPECT_EQ(HttpRequest(MetricsUrl("/healthz")).status, 404);
  EXPECT_EQ(HttpRequest(MetricsUrl("/metrics"), "POST").status, 405);
}

TEST_F(MetricsApiTest, FailedUploadCountsAsErrorAndDownloadsAreCounted) {
  AddLocalStorage("disk");
  const std::string data(5000, 'y');
  storage::client::MemoryByteSource source(data);
  ASSERT_TRUE(client_->Upload(Header("disk", "bucket", "k", data.size()), source).ok());
  storage::client::MemoryByteSource short_source("abc");
  EXPECT_FALSE(client_->Upload(Header("disk", "bucket", "k2", 10), short_source).ok());
  v1::DownloadRequest download;
  download.set_storage("disk");
  download.set_bucket("bucket");
  download.set_key("k");
  std::string received;
  auto downloaded = client_->Download(download, [&received](absl::string_view chunk) {
    received.append(chunk.data(), chunk.size());
    return absl::OkStatus();
  });
  ASSERT_TRUE(downloaded.ok()) << downloaded.status();
  ASSERT_EQ(received, data);

  const std::string body =
      MetricsOnceSettled({"\npluton_storage_download_bytes_total{provider=\"local\"} 5000\n",
                          "\npluton_storage_upload_bytes_total{provider=\"local\"} 5003\n",
                          "\npluton_storage_grpc_calls_total{method=\"Download\",code=\"OK\"} 1\n"})
          .body;
  EXPECT_THAT(body, HasSubstr("\npluton_storage_uploads_total{provider=\"local\",storage=\"disk\","
                              "outcome=\"error\"} 1\n"));
  EXPECT_THAT(body, HasSubstr("\npluton_storage_upload_bytes_total{provider=\"local\"} 5003\n"));
  EXPECT_THAT(body, HasSubstr("\npluton_storage_grpc_calls_total{method=\"Upload\","
                              "code=\"INVALID_ARGUMENT\"} 1\n"));
  EXPECT_THAT(body,
              HasSubstr("\npluton_storage_downloads_total{provider=\"local\",storage=\"disk\","
                        "outcome=\"ok\"} 1\n"));
  EXPECT_THAT(body, HasSubstr("\npluton_storage_download_bytes_total{provider=\"local\"} 5000\n"));
  EXPECT_THAT(body,
              HasSubstr("\npluton_storage_grpc_calls_total{method=\"Download\",code=\"OK\"} 1\n"));
}

// metric-names.txt (what alerts and the dashboard may use) lists every metric the daemon
// exports; the ones it does not export yet are named here, so a new metric updates both.
TEST(MetricNames, EveryExportedMetricIsInMetricNamesTxtAndViceVersa) {
  std::ifstream file(std::string(PLUTON_TEST_SOURCE_DIR) + "/deploy/monitoring/metric-names.txt");
  ASSERT_TRUE(file.good());
  std::set<std::string> listed;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    listed.insert(line.substr(0, line.find_first_of("{ ")));
  }
  storage::MemoryBudget budget(1 << 20);
  std::shared_ptr<void> gauges =
      storage::ExportBufferBudget(storage::StorageMetricsInstance().registry, budget);
  std::set<std::string> exported;
  for (const std::string& name : storage::StorageMetricsInstance().registry.Names()) {
    exported.insert(name);
    EXPECT_TRUE(listed.count(name)) << name << " is exported but not in metric-names.txt";
  }
  const std::set<std::string> not_yet = {"pluton_storage_provider_retries_total",
                                         "pluton_storage_provider_request_duration_seconds",
                                         "pluton_storage_tls_certificate_expiry_timestamp_seconds"};
  for (const std::string& name : listed) {
    if (not_yet.count(name)) {
      EXPECT_FALSE(exported.count(name)) << name << " is exported now: drop it from not_yet";
    } else {
      EXPECT_TRUE(exported.count(name)) << name << " is in metric-names.txt but not exported";
    }
  }
}

}  // namespace
}  // namespace pluton::testing
