#include "server/attribution.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shopml::server {
namespace {

using ::testing::MatchesRegex;

TEST(AttributionTest, IdNamesItsModelAndIsRandom) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const std::string id = NewRecommendationId("popularity");
    EXPECT_THAT(id, MatchesRegex("popularity-[0-9a-f]{32}"));
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(AttributionTest, AttributesOurIdsToTheirModel) {
  for (const char* model : RecommendingModelNames()) {
    EXPECT_EQ(AttributedModel(NewRecommendationId(model)), model);
  }
}

TEST(AttributionTest, ForeignIdsAreUnknown) {
  const std::string hex(32, 'a');
  for (const std::string& id :
       {std::string(""), std::string("cooccurrence"),
        "cooccurrence-" + hex + "a", "cooccurrence-" + std::string(32, 'A'),
        "no_such_model-" + hex, std::string("-") + hex, hex,
        "cooccurrence-" + std::string(31, 'a') + "g"}) {
    EXPECT_EQ(AttributedModel(id), kUnknownModel) << id;
  }
}

TEST(AttributionTest, EventTypeLabels) {
  EXPECT_STREQ(EventTypeLabel(v1::EVENT_TYPE_VIEW), "view");
  EXPECT_STREQ(EventTypeLabel(v1::EVENT_TYPE_ADD_TO_CART), "add_to_cart");
  EXPECT_STREQ(EventTypeLabel(v1::EVENT_TYPE_PURCHASE), "purchase");
  EXPECT_STREQ(EventTypeLabel(v1::EVENT_TYPE_RATING), "rating");
  EXPECT_STREQ(EventTypeLabel(v1::EVENT_TYPE_UNSPECIFIED), "unspecified");
}

}  // namespace
}  // namespace shopml::server
