#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/csv_import.h"
#include "storage/csv_reader.h"
#include "storage/csv_rows.h"
#include "storage/store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::storage {
namespace {

using ::shopml::testing::StatusIs;
using ::shopml::testing::TempDir;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

MATCHER_P(IsOkAndHolds, value,
          "is OK and holds " + ::testing::PrintToString(value)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status().ToString();
    return false;
  }
  *result_listener << "holds " << *arg;
  return *arg == value;
}

constexpr int64_t kNow = 1769860800LL * 1000000;  // 2026-01-31T12:00:00Z

class CsvReaderTest : public ::testing::Test {
 protected:
  std::unique_ptr<CsvReader> Open(const std::string& content) {
    path_ = dir_.WriteFile("in.csv", content);
    absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path_);
    EXPECT_THAT(reader, ::shopml::testing::IsOk());
    return reader.ok() ? std::move(reader).value() : nullptr;
  }

  TempDir dir_;
  std::string path_;
};

TEST_F(CsvReaderTest, ReadsQuotedCommasQuotesAndNewlinesWithCrlf) {
  std::unique_ptr<CsvReader> reader =
      Open("id,text\r\n1,\"a, \"\"b\"\"\r\nc\"\r\n\"2\",plain\r\n3,\r\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->header(), ElementsAre("id", "text"));
  std::vector<std::string> fields;
  ASSERT_OK_AND_ASSIGN(bool found, reader->Next(fields));
  ASSERT_TRUE(found);
  EXPECT_THAT(fields, ElementsAre("1", "a, \"b\"\r\nc"));
  EXPECT_EQ(reader->line(), 2);
  ASSERT_OK_AND_ASSIGN(found, reader->Next(fields));
  ASSERT_TRUE(found);
  EXPECT_THAT(fields, ElementsAre("2", "plain"));
  EXPECT_EQ(reader->line(), 4);  // The record above spans lines 2 and 3.
  ASSERT_OK_AND_ASSIGN(found, reader->Next(fields));
  ASSERT_TRUE(found);
  EXPECT_THAT(fields, ElementsAre("3", ""));
  ASSERT_OK_AND_ASSIGN(found, reader->Next(fields));
  EXPECT_FALSE(found);
}

TEST_F(CsvReaderTest,
       SkipsBlankLinesAndByteOrderMarkAndReadsLastLineWithoutNewline) {
  std::unique_ptr<CsvReader> reader = Open("\xEF\xBB\xBFid\n\n7\n\n8");
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->header(), ElementsAre("id"));
  std::vector<std::string> fields;
  ASSERT_OK_AND_ASSIGN(bool found, reader->Next(fields));
  ASSERT_TRUE(found);
  EXPECT_THAT(fields, ElementsAre("7"));
  EXPECT_EQ(reader->line(), 3);
  ASSERT_OK_AND_ASSIGN(found, reader->Next(fields));
  ASSERT_TRUE(found);
  EXPECT_THAT(fields, ElementsAre("8"));
  EXPECT_EQ(reader->line(), 5);
  EXPECT_EQ(reader->bytes_read(), reader->file_size());
}

TEST_F(CsvReaderTest, UnterminatedQuoteNamesTheLineWhereTheRecordStarts) {
  std::unique_ptr<CsvReader> reader = Open("id,text\n1,ok\n2,\"open\n\nmore\n");
  ASSERT_NE(reader, nullptr);
  std::vector<std::string> fields;
  ASSERT_OK(reader->Next(fields).status());
  EXPECT_THAT(reader->Next(fields),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("in.csv:3: quoted field is not closed")));
}

TEST_F(CsvReaderTest, RejectsTextAfterClosingQuote) {
  std::unique_ptr<CsvReader> reader = Open("id\n\"a\"b\n");
  ASSERT_NE(reader, nullptr);
  std::vector<std::string> fields;
  EXPECT_THAT(
      reader->Next(fields),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("in.csv:2: a closing quote must be followed")));
}

TEST_F(CsvReaderTest, FieldCountDifferentFromHeaderNamesTheLine) {
  std::unique_ptr<CsvReader> reader = Open("a,b\n1,2\n1,2,3\n");
  ASSERT_NE(reader, nullptr);
  std::vector<std::string> fields;
  ASSERT_OK(reader->Next(fields).status());
  EXPECT_THAT(reader->Next(fields),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("in.csv:3: expected 2 fields as in the "
                                 "header, got 3")));
}

TEST_F(CsvReaderTest, LongLineOfCommasStopsAfterTheHeaderFieldCount) {
  std::unique_ptr<CsvReader> reader =
      Open("a,b\n1,2\n" + std::string(5 << 20, ',') + "\n");
  ASSERT_NE(reader, nullptr);
  std::vector<std::string> fields;
  ASSERT_OK(reader->Next(fields).status());
  EXPECT_THAT(reader->Next(fields),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("in.csv:3: expected 2 fields as in the "
                                 "header, got 3 or more")));
}

TEST_F(CsvReaderTest, SeparatorsCountTowardTheRecordLimit) {
  const std::string path = dir_.WriteFile(
      "wide.csv", std::string(kMaxCsvRecordBytes + 1, ',') + "\n");
  EXPECT_THAT(CsvReader::Open(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("wide.csv:1: record longer than 1048576 "
                                 "bytes")));
}

TEST_F(CsvReaderTest, EmptyFileHasNoHeader) {
  const std::string path = dir_.WriteFile("empty.csv", "");
  EXPECT_THAT(CsvReader::Open(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("empty.csv:1: header")));
}

TEST_F(CsvReaderTest, RepeatedColumnNameIsRejected) {
  const std::string path = dir_.WriteFile("dup.csv", "id,x,id\n");
  EXPECT_THAT(CsvReader::Open(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("dup.csv:1: header: column \"id\" appears "
                                 "twice")));
}

TEST(CsvFieldsTest, ParsesDatesAsDaysSinceEpoch) {
  EXPECT_THAT(ParseDate("date", "1970-01-01"), IsOkAndHolds(0));
  EXPECT_THAT(ParseDate("date", "2024-02-29"), IsOkAndHolds(19782));
  EXPECT_THAT(ParseDate("date", "1969-12-31"), IsOkAndHolds(-1));
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "24-01-01",
                          "1899-12-31", "2024-01-01x", ""}) {
    EXPECT_THAT(ParseDate("date", bad),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("date: must be a date YYYY-MM-DD")))
        << bad;
  }
}

TEST(CsvFieldsTest, ParsesUnixSecondsAndRfc3339) {
  EXPECT_THAT(ParseTimestamp("t", "1769860800"), IsOkAndHolds(kNow));
  EXPECT_THAT(ParseTimestamp("t", "1769860800.25"),
              IsOkAndHolds(kNow + 250000));
  EXPECT_THAT(ParseTimestamp("t", "-1.5"), IsOkAndHolds(-1500000));
  EXPECT_THAT(ParseTimestamp("t", "2026-01-31T12:00:00Z"), IsOkAndHolds(kNow));
  EXPECT_THAT(ParseTimestamp("t", "2026-01-31T13:00:00.5+01:00"),
              IsOkAndHolds(kNow + 500000));
  for (const char* bad : {"12a", "1.", ".5", "2026-01-31", "2026-01-31T12:00",
                          "99999999999999", "1e9", "--1"}) {
    EXPECT_THAT(ParseTimestamp("t", bad),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("t: must be Unix seconds or RFC 3339")))
        << bad;
  }
}

class CsvImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.path = dir_.Sub("store");
    options.sync = SyncMode::kNoSync;
    ASSERT_OK_AND_ASSIGN(store_, Store::Open(options));
  }

  absl::StatusOr<ImportStats> Import(CsvKind kind, const std::string& name,
                                     const std::string& content,
                                     int batch_rows = 10000) {
    ImportOptions options;
    options.batch_rows = batch_rows;
    options.progress = false;
    options.now_micros = kNow;
    return ImportCsv(*store_, kind, dir_.WriteFile(name, content), options);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(CsvImportTest, ItemsGetExtraColumnsAsAttributes) {
  ASSERT_OK_AND_ASSIGN(
      ImportStats stats,
      Import(CsvKind::kItems, "items.csv",
             "title,item_id,brand,price,stock_status,category,color\n"
             "\"Runner, trail\",sku-1,Acme,59.5,in_stock,shoes,red\n"
             "Cap,sku-2,,,out_of_stock,hats,\n"));
  EXPECT_EQ(stats.rows, 2);
  EXPECT_EQ(stats.batches, 1);
  ASSERT_OK_AND_ASSIGN(uint32_t id, store_->FindItem("sku-1"));
  ASSERT_OK_AND_ASSIGN(store::v1::ItemRecord item, store_->GetItem(id));
  EXPECT_EQ(item.title(), "Runner, trail");
  EXPECT_EQ(item.category(), "shoes");
  EXPECT_EQ(item.price(), 59.5);
  EXPECT_EQ(item.stock_status(), 1);
  EXPECT_EQ(item.updated_at_micros(), kNow);
  EXPECT_THAT(item.attributes(),
              ::testing::UnorderedElementsAre(Pair("brand", "Acme"),
                                              Pair("color", "red")));
  ASSERT_OK_AND_ASSIGN(id, store_->FindItem("sku-2"));
  ASSERT_OK_AND_ASSIGN(item, store_->GetItem(id));
  EXPECT_EQ(item.stock_status(), 2);
  EXPECT_EQ(item.price(), 0);
  EXPECT_TRUE(item.attributes().empty());
}

TEST_F(CsvImportTest, UsersGetEveryOtherColumnAsAttribute) {
  ASSERT_OK(Import(CsvKind::kUsers, "users.csv", "country,user_id\nPT,alice\n")
                .status());
  ASSERT_OK_AND_ASSIGN(uint32_t id, store_->FindUser("alice"));
  ASSERT_OK_AND_ASSIGN(store::v1::UserRecord user, store_->GetUser(id));
  EXPECT_EQ(user.attributes().at("country"), "PT");
}

TEST_F(CsvImportTest, EventsAcceptEveryTimestampForm) {
  ASSERT_OK(Import(CsvKind::kEvents, "events.csv",
                   "user_id,item_id,event_type,timestamp,rating,quantity\n"
                   "bob,a,view,1769860800,,\n"
                   "bob,b,purchase,1769860801.5,,3\n"
                   "bob,c,rating,2026-01-31T12:00:02Z,4.5,\n"
                   "bob,d,add_to_cart,1769860800,,\n")
                .status());
  ASSERT_OK_AND_ASSIGN(uint32_t bob, store_->FindUser("bob"));
  ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> events,
                       store_->UserEvents(bob, 0));
  ASSERT_EQ(events.size(), 4u);
  // Newest first: c (12:00:02), b (12:00:01.5); a and d share 12:00:00.
  EXPECT_EQ(events[0].time_micros, kNow + 2000000);
  EXPECT_EQ(events[0].kind, EventKind::kRating);
  EXPECT_EQ(events[0].rating, 4.5);
  EXPECT_EQ(events[1].time_micros, kNow + 1500000);
  EXPECT_EQ(events[1].quantity, 3);
  EXPECT_EQ(events[2].time_micros, kNow);
  EXPECT_EQ(events[3].time_micros, kNow);
}

TEST_F(CsvImportTest, IdenticalRowsInOneBatchAreDistinctEvents) {
  const std::string content =
      "user_id,item_id,event_type,timestamp,quantity\n"
      "bob,a,purchase,1769860800,1\n"
      "bob,a,purchase,1769860800,1\n";
  for (int import = 0; import < 2; ++import) {
    ASSERT_OK(Import(CsvKind::kEvents, "events.csv", content).status());
    ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> events,
                         store_->UserEvents(0, 0));
    // Importing the file again replaces the same two events.
    ASSERT_EQ(events.size(), 2u) << "import " << import;
    EXPECT_EQ(events[0].time_micros, kNow + 1);
    EXPECT_EQ(events[1].time_micros, kNow);
  }
}

TEST_F(CsvImportTest, SalesAreStoredByDay) {
  ASSERT_OK(Import(CsvKind::kSales, "sales.csv",
                   "date,series_id,quantity\n"
                   "1970-01-03,s1,2.5\n1970-01-01,s1,0\n")
                .status());
  ASSERT_OK_AND_ASSIGN(auto sales, store_->SeriesSales("s1"));
  EXPECT_THAT(sales, ElementsAre(Pair(0, 0.0), Pair(2, 2.5)));
}

TEST_F(CsvImportTest, HeaderWithoutRequiredColumnNamesIt) {
  EXPECT_THAT(Import(CsvKind::kEvents, "events.csv",
                     "user_id,item_id,timestamp\nbob,a,1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("events.csv:1: header: missing required "
                                 "column \"event_type\"")));
}

struct MalformedCase {
  CsvKind kind;
  std::string name;
  std::string content;
  std::string message;
};

TEST_F(CsvImportTest, MalformedRowsNameFileLineAndField) {
  const std::string events =
      "user_id,item_id,event_type,timestamp,rating,quantity\n";
  const std::vector<MalformedCase> cases = {
      {CsvKind::kItems, "items.csv", "item_id,price\nsku,abc\n",
       "items.csv:2: price: must be a number, got \"abc\""},
      {CsvKind::kItems, "items.csv", "item_id,price\nsku,-1\n",
       "items.csv:2: price: must be >= 0, got -1"},
      {CsvKind::kItems, "items.csv", "item_id,stock_status\nsku,maybe\n",
       "items.csv:2: stock_status: must be in_stock, out_of_stock or empty"},
      {CsvKind::kItems, "items.csv", "item_id\n\"\"\n",
       "items.csv:2: item_id: must be 1-128 bytes, got 0"},
      {CsvKind::kUsers, "users.csv", "user_id\n" + std::string(129, 'u') + "\n",
       "users.csv:2: user_id: must be 1-128 bytes, got 129"},
      {CsvKind::kEvents, "events.csv", events + "bob,a,click,1,,\n",
       "events.csv:2: event_type: must be view, add_to_cart, purchase or "
       "rating, got \"click\""},
      {CsvKind::kEvents, "events.csv", events + "bob,a,purchase,1,,-2\n",
       "events.csv:2: quantity: must be >= 0, got -2"},
      {CsvKind::kEvents, "events.csv", events + "bob,a,purchase,1,,2.5\n",
       "events.csv:2: quantity: must be an integer, got \"2.5\""},
      {CsvKind::kEvents, "events.csv", events + "bob,a,rating,1,,\n",
       "events.csv:2: rating: required for rating events"},
      {CsvKind::kEvents, "events.csv", events + "bob,a,rating,1,11,\n",
       "events.csv:2: rating: must be finite and in [0, 10], got 11"},
      {CsvKind::kEvents, "events.csv", events + "bob,a,view,yesterday,,\n",
       "events.csv:2: timestamp: must be Unix seconds or RFC 3339"},
      {CsvKind::kEvents, "events.csv", events + "bob,a,view,,,\n",
       "events.csv:2: timestamp: required"},
      {CsvKind::kEvents, "events.csv", events + "bob,,view,1,,\n",
       "events.csv:2: item_id: must be 1-128 bytes, got 0"},
      {CsvKind::kSales, "sales.csv",
       "series_id,date,quantity\ns,2023-02-30,1\n",
       "sales.csv:2: date: must be a date YYYY-MM-DD"},
      {CsvKind::kSales, "sales.csv", "series_id,date,quantity\ns,2023-02-03,\n",
       "sales.csv:2: quantity: must be a number, got \"\""},
      {CsvKind::kSales, "sales.csv",
       "series_id,date,quantity\ns,2023-02-03,-4\n",
       "sales.csv:2: quantity: must be >= 0, got -4"},
  };
  for (const MalformedCase& c : cases) {
    EXPECT_THAT(Import(c.kind, c.name, c.content),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr(dir_.Sub(c.message)),
                               HasSubstr("(0 rows in earlier batches were "
                                         "committed)"))))
        << c.content;
  }
  EXPECT_EQ(store_->NumItems(), 0u);
  EXPECT_EQ(store_->NumUsers(), 0u);
  EXPECT_EQ(store_->NumSeries(), 0u);
}

TEST_F(CsvImportTest, RejectedBatchLeavesNothingWhileEarlierBatchesStay) {
  EXPECT_THAT(Import(CsvKind::kEvents, "events.csv",
                     "user_id,item_id,event_type,timestamp,quantity\n"
                     "u1,a,view,1,\n"
                     "u2,b,view,2,\n"
                     "u3,c,view,3,\n"
                     "u4,d,purchase,4,-1\n"
                     "u5,e,view,5,\n",
                     /*batch_rows=*/2),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("events.csv:5: quantity: must be >= 0"),
                             HasSubstr("2 rows in earlier batches were "
                                       "committed"))));
  EXPECT_EQ(store_->NumUsers(), 2u);
  EXPECT_OK(store_->FindUser("u2").status());
  EXPECT_THAT(store_->FindUser("u3"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("u3")));
  EXPECT_THAT(store_->FindItem("c"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("c")));
  int events = 0;
  ASSERT_OK(store_->ScanEvents([&](const StoredEvent&) {
    ++events;
    return true;
  }));
  EXPECT_EQ(events, 2);
}

TEST_F(CsvImportTest, CountsRowsAndBatches) {
  ASSERT_OK_AND_ASSIGN(
      ImportStats stats,
      Import(CsvKind::kUsers, "users.csv", "user_id\nu1\nu2\nu3\nu4\nu5\n",
             /*batch_rows=*/2));
  EXPECT_EQ(stats.rows, 5);
  EXPECT_EQ(stats.batches, 3);
  EXPECT_EQ(store_->NumUsers(), 5u);
}

TEST_F(CsvImportTest, MissingFileIsNotFound) {
  ImportOptions options;
  options.progress = false;
  EXPECT_THAT(
      ImportCsv(*store_, CsvKind::kItems, dir_.Sub("none.csv"), options),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("none.csv")));
}

TEST_F(CsvImportTest, BatchRowsOutOfRangeIsRejected) {
  EXPECT_THAT(
      Import(CsvKind::kUsers, "users.csv", "user_id\nu1\n", 0),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("batch_rows: must be in [1, 1000000], got 0")));
}

}  // namespace
}  // namespace shopml::storage
