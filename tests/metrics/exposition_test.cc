// The registry's text exposition (format 0.0.4), the --metrics_listen address rule and the
// civetweb endpoint on its own, without a StorageServer.
#include "metrics/exposition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "metrics/http_get.h"
#include "metrics/metrics_http_server.h"
#include "metrics/metrics_listen_address.h"
#include "metrics/metrics_registry.h"

namespace pluton::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsExposition, EscapesBackslashQuoteAndNewlineInLabelValues) {
  MetricsRegistry registry;
  registry.AddCounter("x_total", "Help with \\ and\nnewline.", {"path"})
      .With({"a\\b\"c\nd"})
      .Add(3);
  EXPECT_EQ(registry.Expose(),
            "# HELP x_total Help with \\\\ and\\nnewline.\n"
            "# TYPE x_total counter\n"
            "x_total{path=\"a\\\\b\\\"c\\nd\"} 3\n");
}

TEST(MetricsExposition, HistogramHasCumulativeBucketsSumAndCount) {
  MetricsRegistry registry;
  Histogram& h =
      registry.AddHistogram("d_seconds", "Durations.", {"op"}, {0.5, 0.1, 2.5}).With({"put"});
  h.Observe(0.05);
  h.Observe(0.1);  // "le" is inclusive
  h.Observe(1);
  h.Observe(100);
  EXPECT_EQ(registry.Expose(),
            "# HELP d_seconds Durations.\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{op=\"put\",le=\"0.1\"} 2\n"
            "d_seconds_bucket{op=\"put\",le=\"0.5\"} 2\n"
            "d_seconds_bucket{op=\"put\",le=\"2.5\"} 3\n"
            "d_seconds_bucket{op=\"put\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{op=\"put\"} 101.15\n"
            "d_seconds_count{op=\"put\"} 4\n");
}

TEST(MetricsExposition, UnlabelledMetricsStartAtZeroAndGaugesGoDown) {
  MetricsRegistry registry;
  registry.AddCounter("c_total", "C.");
  Gauge& g = registry.AddGauge("g", "G.", {"m"}).With({"Get"});
  g.Add(2);
  g.Add(-3);
  EXPECT_EQ(registry.Expose(),
            "# HELP c_total C.\n# TYPE c_total counter\nc_total 0\n"
            "# HELP g G.\n# TYPE g gauge\ng{m=\"Get\"} -1\n");
}

TEST(MetricsExposition, CallbackGaugeIsExportedOnlyWhileItsHandleLives) {
  MetricsRegistry registry;
  {
    std::shared_ptr<void> handle = registry.AddCallbackGauge("b_bytes", "B.", [] { return 42.0; });
    EXPECT_THAT(registry.Expose(), HasSubstr("\nb_bytes 42\n"));
    EXPECT_THAT(registry.Names(), ::testing::ElementsAre("b_bytes"));
  }
  EXPECT_EQ(registry.Expose(), "");
}

TEST(MetricsExposition, LabelValuesAreFittedToTheLabelNames) {
  MetricsRegistry registry;
  Family<Counter>& family = registry.AddCounter("x_total", "X.", {"a", "b"});
  family.With({"1"}).Add();
  family.With({"1", "", "extra"}).Add();
  EXPECT_THAT(registry.Expose(), HasSubstr("\nx_total{a=\"1\",b=\"\"} 2\n"));
}

TEST(MetricsExposition, FormatsSpecialValues) {
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatValue(0.0 / 0.0), "NaN");
  EXPECT_EQ(FormatValue(268435456), "268435456");
  EXPECT_EQ(FormatValue(0.005), "0.005");
}

TEST(MetricsListenAddress, WildcardIpv6IsServedOnIpv4AndOtherIpv6IsRefused) {
  EXPECT_EQ(*CivetwebListeningPort("[::]:9090"), "0.0.0.0:9090");
  EXPECT_EQ(*CivetwebListeningPort("127.0.0.1:0"), "127.0.0.1:0");
  EXPECT_EQ(*CivetwebListeningPort("0.0.0.0:9090"), "0.0.0.0:9090");
  for (const char* bad :
       {"[::1]:9090", "9090", "127.0.0.1", "127.0.0.1:70000", ":9090", "127.0.0.1:x"}) {
    absl::StatusOr<std::string> ports = CivetwebListeningPort(bad);
    EXPECT_EQ(ports.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(ports.status().message(), HasSubstr("--metrics_listen")) << bad;
  }
}

TEST(MetricsHttpServer, ServesOnlyGetMetrics) {
  MetricsRegistry registry;
  registry.AddCounter("c_total", "C.").With({}).Add(7);
  auto server = MetricsHttpServer::Start("127.0.0.1:0", &registry);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  const std::string base = "http://127.0.0.1:" + std::to_string((*server)->port());

  testing::HttpReply metrics = testing::HttpRequest(base + "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type, kExpositionContentType);
  EXPECT_EQ(metrics.body, registry.Expose());
  EXPECT_EQ(testing::HttpRequest(base + "/").status, 404);
  EXPECT_EQ(testing::HttpRequest(base + "/metrics/x").status, 404);
  EXPECT_EQ(testing::HttpRequest(base + "/metrics", "POST").status, 405);
  EXPECT_EQ(testing::HttpRequest(base + "/metrics", "DELETE").status, 405);
  EXPECT_THAT(testing::HttpRequest(base + "/metrics", "POST").body, Not(HasSubstr("c_total")));
}

TEST(MetricsHttpServer, PortInUseIsUnavailableNamingTheFlag) {
  MetricsRegistry registry;
  auto first = MetricsHttpServer::Start("127.0.0.1:0", &registry);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second =
      MetricsHttpServer::Start("127.0.0.1:" + std::to_string((*first)->port()), &registry);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr("--metrics_listen"));
}

}  // namespace
}  // namespace pluton::storage
