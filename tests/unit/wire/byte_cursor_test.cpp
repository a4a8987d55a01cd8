#include "wire/byte_cursor.h"

#include <gtest/gtest.h>

#include <vector>

namespace tc::wire {
namespace {

TEST(ByteCursor, ReadsBigEndianIntegers) {
  const std::vector<uint8_t> bytes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
  ByteCursor cursor(bytes);
  uint8_t u8 = 0;
  uint16_t u16 = 0;
  uint32_t u24 = 0, u32 = 0;
  ASSERT_TRUE(cursor.read_u8(u8));
  ASSERT_TRUE(cursor.read_u16(u16));
  ASSERT_TRUE(cursor.read_u24(u24));
  ASSERT_TRUE(cursor.read_u32(u32));
  EXPECT_EQ(u8, 0x01);
  EXPECT_EQ(u16, 0x0203);
  EXPECT_EQ(u24, 0x040506u);
  EXPECT_EQ(u32, 0x0708090au);
  EXPECT_TRUE(cursor.empty());
  EXPECT_FALSE(cursor.read_u8(u8));
}

TEST(ByteCursor, LittleEndian) {
  const std::vector<uint8_t> bytes = {0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00};
  ByteCursor cursor(bytes);
  uint32_t magic = 0;
  uint16_t version = 0;
  ASSERT_TRUE(cursor.read_u32_le(magic));
  ASSERT_TRUE(cursor.read_u16_le(version));
  EXPECT_EQ(magic, 0xa1b2c3d4u);
  EXPECT_EQ(version, 2);
}

TEST(ByteCursor, FailedReadsConsumeNothing) {
  const std::vector<uint8_t> bytes = {0x00, 0x05, 0xaa, 0xbb};
  ByteCursor cursor(bytes);
  ByteCursor sub;
  uint32_t u32 = 0;
  uint32_t u24 = 0;
  EXPECT_FALSE(cursor.read_u16_length_prefixed(sub));  // claims 5, has 2
  EXPECT_EQ(cursor.remaining(), 4u);
  EXPECT_FALSE(cursor.skip(5));
  EXPECT_EQ(cursor.remaining(), 4u);
  ASSERT_TRUE(cursor.read_u32(u32));
  EXPECT_FALSE(cursor.read_u24(u24));
}

TEST(ByteCursor, LengthPrefixed) {
  const std::vector<uint8_t> bytes = {0x02, 0xaa, 0xbb, 0x00, 0x00, 0x01, 0xcc, 0x00, 0x01, 0xdd};
  ByteCursor cursor(bytes);
  ByteCursor a, b, c;
  ASSERT_TRUE(cursor.read_u8_length_prefixed(a));
  ASSERT_TRUE(cursor.read_u24_length_prefixed(b));
  ASSERT_TRUE(cursor.read_u16_length_prefixed(c));
  EXPECT_EQ(a.remaining(), 2u);
  EXPECT_EQ(b.remaining(), 1u);
  EXPECT_EQ(b.data()[0], 0xcc);
  EXPECT_EQ(c.data()[0], 0xdd);
  EXPECT_TRUE(cursor.empty());
}

TEST(ByteCursor, EmptyCursor) {
  ByteCursor cursor;
  uint8_t u8 = 0;
  ByteCursor sub;
  EXPECT_FALSE(cursor.read_u8(u8));
  EXPECT_FALSE(cursor.read_u8_length_prefixed(sub));
  EXPECT_TRUE(cursor.skip(0));
  EXPECT_TRUE(cursor.read_bytes(0, sub));
}

}  // namespace
}  // namespace tc::wire
