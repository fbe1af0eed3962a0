// The pure pieces behind S3Client and StreamingUpload: backoff, Retry-After, endpoint and
// URL building, the S3Error payload, upload planning and part buffers.
#include <atomic>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "part_buffer.h"
#include "pluton/s3/s3_client.h"
#include "retry.h"
#include "s3_error_payload.h"
#include "s3_url.h"
#include "test_budget.h"
#include "upload_plan.h"

namespace pluton::s3::internal {
namespace {

constexpr uint64_t kMiB = 1 << 20;

TEST(BackoffDelayTest, GrowsExponentiallyWithinBounds) {
  const absl::Duration initial = absl::Milliseconds(10), max = absl::Seconds(2);
  EXPECT_EQ(BackoffDelay(initial, max, 1, 0.0), initial);
  EXPECT_EQ(BackoffDelay(initial, max, 1, 0.999), initial);  // no room to jitter yet
  EXPECT_EQ(BackoffDelay(initial, max, 2, 1.0), absl::Milliseconds(20));
  EXPECT_EQ(BackoffDelay(initial, max, 4, 1.0), absl::Milliseconds(80));
  EXPECT_EQ(BackoffDelay(initial, max, 4, 0.5), absl::Milliseconds(45));
  EXPECT_EQ(BackoffDelay(initial, max, 30, 1.0), max);
  EXPECT_EQ(BackoffDelay(initial, max, 1000000, 1.0), max);  // no overflow
  EXPECT_EQ(BackoffDelay(absl::Seconds(5), max, 1, 0.0), max);
  for (int i = 0; i < 100; ++i) {
    const double unit = UnitRandom();
    EXPECT_GE(unit, 0.0);
    EXPECT_LT(unit, 1.0);
  }
}

TEST(RetryAfterTest, SecondsAndHttpDates) {
  const absl::Time now = absl::FromUnixSeconds(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(ParseRetryAfter("3", now), absl::Seconds(3));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", now), absl::Seconds(10));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("-1", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
}

TEST(SleepTest, StopsWhenCancelled) {
  std::atomic<int> polls{0};
  const absl::Time start = absl::Now();
  EXPECT_FALSE(SleepUnlessCancelled(
      absl::Seconds(10), [&] { return ++polls > 3; }, absl::Milliseconds(5)));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10)) << "the whole sleep was waited out";
  EXPECT_TRUE(SleepUnlessCancelled(absl::Milliseconds(30), nullptr, absl::Milliseconds(10)));
}

TEST(S3UrlTest, ParsesEndpoints) {
  absl::StatusOr<BaseUrl> base = ParseBaseUrl("HTTPS://acct.r2.cloudflarestorage.com/");
  ASSERT_TRUE(base.ok()) << base.status();
  EXPECT_EQ(base->scheme, "https");
  EXPECT_EQ(base->authority, "acct.r2.cloudflarestorage.com");
  base = ParseBaseUrl("http://127.0.0.1:9000");
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(base->authority, "127.0.0.1:9000");
  for (const char* bad : {"acct.r2.cloudflarestorage.com", "ftp://x", "https://", "https://x/p",
                          "https://x?q", "https://u@x", "https://x y", "https://:443"}) {
    EXPECT_FALSE(ParseBaseUrl(bad).ok()) << bad;
  }
}

TEST(S3UrlTest, PathAndVirtualHostTargets) {
  const BaseUrl base{"https", "h:9000"};
  RequestTarget t = TargetFor(base, true, "b", "a b/c+d");
  EXPECT_EQ(t.host, "h:9000");
  EXPECT_EQ(t.canonical_uri, "/b/a%20b/c%2Bd");
  EXPECT_EQ(t.Url("x=1"), "https://h:9000/b/a%20b/c%2Bd?x=1");
  EXPECT_EQ(TargetFor(base, true, "b", "").canonical_uri, "/b");
  EXPECT_EQ(TargetFor(base, true, "", "").canonical_uri, "/");
  EXPECT_EQ(TargetFor(base, true, "", "").Url(""), "https://h:9000/");
  t = TargetFor(base, false, "b", "k/1");
  EXPECT_EQ(t.host, "b.h:9000");
  EXPECT_EQ(t.canonical_uri, "/k/1");
  EXPECT_EQ(TargetFor(base, false, "b", "").canonical_uri, "/");
  EXPECT_EQ(TargetFor(base, false, "", "").host, "h:9000");
}

TEST(S3ErrorPayloadTest, RoundTrips) {
  S3Error error;
  error.http_status = 400;
  error.code = "InvalidPart";
  error.message = "All non-trailing parts\nmust have the same length.";
  error.request_id = "req\\1";
  error.r2_code = 10048;
  absl::Status status = AttachS3Error(absl::InvalidArgumentError("x"), error);
  std::optional<S3Error> back = S3ErrorOf(status);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->http_status, 400);
  EXPECT_EQ(back->code, error.code);
  EXPECT_EQ(back->message, error.message);
  EXPECT_EQ(back->request_id, error.request_id);
  EXPECT_EQ(back->r2_code, 10048);
  error.r2_code.reset();
  EXPECT_FALSE(S3ErrorOf(AttachS3Error(absl::UnknownError("y"), error))->r2_code.has_value());
}

StreamingUploadSettings Settings(uint64_t chunk, uint32_t max_parts = 10000) {
  StreamingUploadSettings s;
  s.chunk_size = chunk;
  s.max_parts = max_parts;
  return s;
}

TEST(UploadPlanTest, DefaultsAndCutoffCap) {
  absl::StatusOr<UploadPlan> plan = PlanUpload(Settings(5 * kMiB), -1);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->part_size, 5 * kMiB);
  EXPECT_EQ(plan->first_buffer, 5 * kMiB);
  EXPECT_EQ(plan->cutoff, 200 * kMiB);
  StreamingUploadSettings s = Settings(5 * kMiB);
  s.upload_cutoff = 10ull << 30;  // above 5 GiB - 5 MiB
  plan = PlanUpload(s, -1);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->cutoff, s.max_single_put);
}

TEST(UploadPlanTest, SmallExpectedSizeGivesASmallFirstBuffer) {
  EXPECT_EQ(PlanUpload(Settings(5 * kMiB), 1000)->first_buffer, 1000u);
  EXPECT_EQ(PlanUpload(Settings(5 * kMiB), 0)->first_buffer, 5 * kMiB);
  EXPECT_EQ(PlanUpload(Settings(5 * kMiB), 6 * kMiB)->first_buffer, 5 * kMiB);
}

TEST(UploadPlanTest, PartSizeGrowsLikeRclone) {
  // 10,000 parts of 5 MiB hold 48.8 GiB; 100 GiB needs ceil(100 GiB / 10000) -> 11 MiB.
  absl::StatusOr<UploadPlan> plan = PlanUpload(Settings(5 * kMiB), 100ll << 30);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->part_size, 11 * kMiB);
  EXPECT_LE((100ull << 30) / plan->part_size, 10000u);
  // Exactly 10,000 parts: no growth.
  EXPECT_EQ(PlanUpload(Settings(5 * kMiB), 10000ll * 5 * kMiB)->part_size, 5 * kMiB);
  EXPECT_EQ(PlanUpload(Settings(5 * kMiB), 10000ll * 5 * kMiB + 1)->part_size, 6 * kMiB);
  EXPECT_EQ(PlanUpload(Settings(5 * kMiB, 3), 15 * kMiB + 1)->part_size, 6 * kMiB);
  // Beyond 10,000 x 5 GiB.
  absl::StatusOr<UploadPlan> huge = PlanUpload(Settings(5 * kMiB), 60ll << 40);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kOutOfRange);
}

TEST(UploadPlanTest, RejectsUnusableSettings) {
  EXPECT_EQ(PlanUpload(Settings(0), -1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanUpload(Settings(6ull << 30), -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanUpload(Settings(5 * kMiB, 0), -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanUpload(Settings(5 * kMiB, 10001), -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  StreamingUploadSettings s = Settings(5 * kMiB);
  s.concurrency = 0;
  EXPECT_EQ(PlanUpload(s, -1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(UploadPlanTest, PartLimitMessageNamesTheLimitAndTheFix) {
  UploadPlan plan = *PlanUpload(Settings(5 * kMiB), -1);
  absl::Status status = PartLimitError(plan);
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(absl::StrContains(status.message(), "10000 parts of 5 MiB")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "chunk_size")) << status;
}

TEST(PartBufferTest, ReservesAppendsGrowsAndReleases) {
  testing::TestBudget budget(10);
  {
    absl::StatusOr<std::unique_ptr<PartBuffer>> buffer =
        PartBuffer::Create(&budget, 4, absl::ZeroDuration(), nullptr);
    ASSERT_TRUE(buffer.ok());
    EXPECT_EQ(budget.in_use(), 4u);
    const uint8_t data[] = {1, 2, 3, 4, 5, 6};
    EXPECT_EQ((*buffer)->Append(data, 6), 4u);
    EXPECT_TRUE((*buffer)->full());
    ASSERT_TRUE((*buffer)->Grow(8, absl::ZeroDuration(), nullptr).ok());
    EXPECT_EQ(budget.in_use(), 8u);
    EXPECT_EQ((*buffer)->Append(data + 4, 2), 2u);
    ASSERT_EQ((*buffer)->size(), 6u);
    EXPECT_EQ(std::vector<uint8_t>((*buffer)->bytes().begin(), (*buffer)->bytes().end()),
              std::vector<uint8_t>(data, data + 6));
    // More than what is left: the wait times out and nothing is reserved.
    EXPECT_EQ((*buffer)->Grow(12, absl::ZeroDuration(), nullptr).code(),
              absl::StatusCode::kDeadlineExceeded);
    EXPECT_EQ(budget.in_use(), 8u);
    (*buffer)->Clear();
    EXPECT_EQ((*buffer)->size(), 0u);
  }
  EXPECT_EQ(budget.in_use(), 0u);
  EXPECT_EQ(PartBuffer::Create(&budget, 11, absl::ZeroDuration(), nullptr).status().code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace pluton::s3::internal
