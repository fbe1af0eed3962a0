#include "store/secret_box.h"

#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pluton::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPlaintext[] = "{\"secret_access_key\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLE\"}";
constexpr char kAad[] = "stg_0123456789abcdef";

SecretBox MakeBox(char fill) {
  absl::StatusOr<SecretBox> box = SecretBox::FromKey(std::string(SecretBox::kKeySize, fill));
  EXPECT_TRUE(box.ok()) << box.status();
  return *std::move(box);
}

std::string SealOrDie(const SecretBox& box, absl::string_view plaintext, absl::string_view aad) {
  absl::StatusOr<std::string> sealed = box.Seal(plaintext, aad);
  EXPECT_TRUE(sealed.ok()) << sealed.status();
  return sealed.ok() ? *sealed : std::string();
}

// Asserts `status` is an authentication failure whose message leaks no plaintext.
void ExpectAuthenticationFailure(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("failed authentication"));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("the master key does not match the one these secrets were sealed with"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("wJalrXUtnFEMI")));
}

TEST(SecretBoxTest, FromKeyRequiresExactly32Bytes) {
  for (size_t size : {0, 16, 31, 33, 64}) {
    absl::StatusOr<SecretBox> box = SecretBox::FromKey(std::string(size, 'k'));
    EXPECT_EQ(box.status().code(), absl::StatusCode::kInvalidArgument) << size;
    EXPECT_THAT(std::string(box.status().message()), HasSubstr("exactly 32 bytes")) << size;
  }
}

TEST(SecretBoxTest, RoundTripsAndHasTheDocumentedLayout) {
  SecretBox box = MakeBox('\x11');
  std::string binary("\0\x01\xff\x7f text \0", 11);
  std::string large(1 << 20, '\0');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 31 + 7);

  for (const std::string& plaintext : {std::string(kPlaintext), std::string(), binary, large}) {
    std::string sealed = SealOrDie(box, plaintext, kAad);
    ASSERT_EQ(sealed.size(), 1 + 12 + plaintext.size() + 16);
    EXPECT_EQ(sealed.size(), SecretBox::kOverhead + plaintext.size());
    EXPECT_EQ(static_cast<unsigned char>(sealed[0]), 0x01);
    if (plaintext.size() >= 8) {
      EXPECT_EQ(sealed.find(plaintext), std::string::npos) << "ciphertext equals plaintext";
    }
    absl::StatusOr<std::string> opened = box.Open(sealed, kAad);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST(SecretBoxTest, EmptyAssociatedDataWorks) {
  SecretBox box = MakeBox('\x11');
  std::string sealed = SealOrDie(box, kPlaintext, "");
  absl::StatusOr<std::string> opened = box.Open(sealed, "");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, kPlaintext);
  ExpectAuthenticationFailure(box.Open(sealed, "x").status());
}

TEST(SecretBoxTest, DetectsAFlippedByteInEveryRegion) {
  SecretBox box = MakeBox('\x22');
  const std::string sealed = SealOrDie(box, kPlaintext, kAad);
  const size_t ciphertext_begin = 1 + SecretBox::kNonceSize;
  const size_t tag_begin = sealed.size() - SecretBox::kTagSize;

  // The version byte: refused before any decryption is attempted.
  {
    std::string tampered = sealed;
    tampered[0] ^= 0x03;
    absl::Status status = box.Open(tampered, kAad).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr("format version 2"));
  }
  // Nonce, ciphertext and tag, at their first and last byte.
  for (size_t offset : {size_t{1}, ciphertext_begin - 1, ciphertext_begin, tag_begin - 1, tag_begin,
                        sealed.size() - 1}) {
    for (unsigned char mask : {0x01, 0x80}) {
      std::string tampered = sealed;
      tampered[offset] = static_cast<char>(tampered[offset] ^ mask);
      SCOPED_TRACE(::testing::Message() << "offset " << offset << " mask " << int{mask});
      ExpectAuthenticationFailure(box.Open(tampered, kAad).status());
    }
  }
}

TEST(SecretBoxTest, RefusesTruncatedInput) {
  SecretBox box = MakeBox('\x33');
  const std::string sealed = SealOrDie(box, kPlaintext, kAad);
  for (size_t size : {size_t{0}, size_t{1}, size_t{13}, SecretBox::kOverhead - 1}) {
    absl::Status status = box.Open(sealed.substr(0, size), kAad).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << size;
    EXPECT_THAT(std::string(status.message()), HasSubstr("truncated")) << size;
  }
  // Long enough to parse but cut short: the tag no longer matches.
  ExpectAuthenticationFailure(box.Open(sealed.substr(0, sealed.size() - 1), kAad).status());
  ExpectAuthenticationFailure(box.Open(sealed.substr(0, SecretBox::kOverhead), kAad).status());
}

TEST(SecretBoxTest, RefusesTheWrongKey) {
  SecretBox sealer = MakeBox('\x44');
  SecretBox other = MakeBox('\x45');
  std::string sealed = SealOrDie(sealer, kPlaintext, kAad);
  ExpectAuthenticationFailure(other.Open(sealed, kAad).status());
}

TEST(SecretBoxTest, RefusesOtherAssociatedData) {
  SecretBox box = MakeBox('\x55');
  std::string sealed = SealOrDie(box, kPlaintext, "stg_0000000000000001");
  ExpectAuthenticationFailure(box.Open(sealed, "stg_0000000000000002").status());
}

TEST(SecretBoxTest, EverySealUsesAFreshNonce) {
  SecretBox box = MakeBox('\x66');
  std::string first = SealOrDie(box, kPlaintext, kAad);
  std::string second = SealOrDie(box, kPlaintext, kAad);
  EXPECT_NE(first, second);
  EXPECT_NE(first.substr(1, SecretBox::kNonceSize), second.substr(1, SecretBox::kNonceSize));

  std::set<std::string> nonces;
  for (int i = 0; i < 1000; ++i) {
    nonces.insert(SealOrDie(box, "x", kAad).substr(1, SecretBox::kNonceSize));
  }
  EXPECT_EQ(nonces.size(), 1000u);
}

TEST(SecretBoxTest, CopiesOpenWhatTheOriginalSealed) {
  std::string sealed;
  std::optional<SecretBox> copy;
  {
    SecretBox original = MakeBox('\x77');
    sealed = SealOrDie(original, kPlaintext, kAad);
    copy.emplace(original);
  }  // the original wipes its key; the copy keeps its own
  absl::StatusOr<std::string> opened = copy->Open(sealed, kAad);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, kPlaintext);
}

TEST(SecretBoxTest, IsSafeToShareAcrossThreads) {
  const SecretBox box = MakeBox('\x88');
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&box, t] {
      for (int i = 0; i < 200; ++i) {
        std::string plaintext = std::string(kPlaintext) + std::to_string(t * 1000 + i);
        std::string sealed = SealOrDie(box, plaintext, kAad);
        absl::StatusOr<std::string> opened = box.Open(sealed, kAad);
        ASSERT_TRUE(opened.ok()) << opened.status();
        EXPECT_EQ(*opened, plaintext);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

}  // namespace
}  // namespace pluton::storage
