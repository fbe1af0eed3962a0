// Metadata values as RFC 2047 encoded-words: what goes out is ASCII, what comes back is the
// original text, and values other clients encode are read too.
#include "pluton/s3/metadata_encoding.h"

#include "gtest/gtest.h"

namespace pluton::s3 {
namespace {

TEST(MetadataEncodingTest, PlainAsciiIsSentAsItIs) {
  for (const char* value : {"", "db1", "host-name 42", "a=b?c", "100% sure", "=?not a word"}) {
    EXPECT_EQ(EncodeMetadataValue(value), value);
    EXPECT_EQ(DecodeMetadataValue(value), value);
  }
}

TEST(MetadataEncodingTest, NonAsciiIsSentAsABase64EncodedWord) {
  EXPECT_EQ(EncodeMetadataValue("Zürich"), "=?UTF-8?B?WsO8cmljaA==?=");
  EXPECT_EQ(EncodeMetadataValue("☃"), "=?UTF-8?B?4piD?=");
  EXPECT_EQ(DecodeMetadataValue("=?UTF-8?B?WsO8cmljaA==?="), "Zürich");
}

TEST(MetadataEncodingTest, EveryValueSurvivesTheRoundTrip) {
  // Including what HTTP would trim, and ASCII that looks like an encoded-word.
  for (const char* value :
       {"Zürich ☃", "日本語のメタデータ", " leading", "trailing\t",
        "=?UTF-8?B?eA==?=", "=?x?=", "tab\tinside", "\x7f", "mixed ascii and é", "🙂🙂🙂"}) {
    SCOPED_TRACE(value);
    const std::string header = EncodeMetadataValue(value);
    for (char c : header) {
      EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f)
          << header;
    }
    EXPECT_EQ(DecodeMetadataValue(header), value);
  }
}

TEST(MetadataEncodingTest, ReadsWhatOtherClientsSend) {
  EXPECT_EQ(DecodeMetadataValue("=?utf-8?b?WsO8cmljaA==?="), "Zürich");
  EXPECT_EQ(DecodeMetadataValue("=?UTF-8?Q?Z=C3=BCrich_city?="), "Zürich city");
  EXPECT_EQ(DecodeMetadataValue("=?UTF-8?B?WsO8?= =?UTF-8?B?cmljaA==?="), "Zürich");
  EXPECT_EQ(DecodeMetadataValue("=?US-ASCII?Q?plain?="), "plain");
}

TEST(MetadataEncodingTest, WhatItCannotReadIsLeftAsItIs) {
  for (const char* header :
       {"=?ISO-8859-1?Q?Z=FCrich?=", "=?UTF-8?B?not base64!?=", "=?UTF-8?X?abc?=",
        "=?UTF-8?Q?bad=ZZ?=", "=?UTF-8?Q?cut=C?=", "=?UTF-8?B?eA==?= plain",
        "=?"
        "?="}) {
    EXPECT_EQ(DecodeMetadataValue(header), header);
  }
}

}  // namespace
}  // namespace pluton::s3
