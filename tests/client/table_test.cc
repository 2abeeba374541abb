#include "client/table.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shopml::client {
namespace {

TEST(TableTest, AlignsColumnsToTheWidestCell) {
  Table table({{"rank", Table::Align::kRight},
               {"item"},
               {"score", Table::Align::kRight},
               {"category"}});
  table.AddRow({"1", "I00042", "0.9312", "shoes"});
  table.AddRow({"10", "I7", "12.5000", "socks/wool"});
  EXPECT_EQ(table.ToString(),
            "rank  item      score  category\n"
            "   1  I00042   0.9312  shoes\n"
            "  10  I7      12.5000  socks/wool\n");
  EXPECT_EQ(table.num_rows(), 2u);
}

TEST(TableTest, LeavesNoTrailingSpaces) {
  Table table({{"item"}, {"category"}});
  table.AddRow({"I1", ""});
  table.AddRow({"I2", "long category"});
  EXPECT_EQ(table.ToString(),
            "item  category\n"
            "I1\n"
            "I2    long category\n");
}

TEST(TableTest, PadsMissingCellsAndDropsExtraOnes) {
  Table table({{"a"}, {"b", Table::Align::kRight}});
  table.AddRow({"x"});
  table.AddRow({"y", "22", "dropped"});
  EXPECT_EQ(table.ToString(),
            "a   b\n"
            "x\n"
            "y  22\n");
}

TEST(TableTest, EmptyTablePrintsHeader) {
  Table table({{"period"}, {"mean", Table::Align::kRight}});
  EXPECT_EQ(table.ToString(), "period  mean\n");
}

TEST(TableTest, MeasuresUtf8TextInCodePoints) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("Schuhe größe"), 12u);
  Table table({{"category"}, {"n", Table::Align::kRight}});
  table.AddRow({"größe", "1"});
  EXPECT_EQ(table.ToString(),
            "category  n\n"
            "größe     1\n");
}

TEST(TableTest, FormatFixedRoundsToDecimals) {
  EXPECT_EQ(FormatFixed(0.5, 4), "0.5000");
  EXPECT_EQ(FormatFixed(2.345678, 2), "2.35");
  EXPECT_EQ(FormatFixed(-1, 0), "-1");
}

TEST(TableTest, EnumLabelDropsPrefixAndLowerCases) {
  EXPECT_EQ(EnumLabel("REASON_SIMILAR_TO_RECENT", "REASON_"),
            "similar_to_recent");
  EXPECT_EQ(EnumLabel("FREQUENCY_DAILY", "FREQUENCY_"), "daily");
  EXPECT_EQ(EnumLabel("SERVING", "REASON_"), "serving");
}

}  // namespace
}  // namespace shopml::client
