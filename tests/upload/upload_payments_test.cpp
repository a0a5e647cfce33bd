#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {
namespace {

class UploadPayments : public StandInTest {
 protected:
  // A pool page as kzscrape --source api maps it: reject rates and payments.
  static ObserverPage api_page(int64_t first_amount_sat = 500'001) {
    ObserverPage page = make_pool_page(4);
    for (std::size_t i = 0; i < page.workers.size(); ++i) {
      page.workers[i].reject_rate = i % 2 ? 0.002 : 0.001;
    }
    page.payments.push_back({"p-2", 1'000'000, "bc1qtwo", "tx2", 1'795'000'000});
    page.payments.push_back({"p-1", first_amount_sat, "bc1qone", "tx1", 1'794'000'000});
    return page;
  }
};

TEST_F(UploadPayments, UploadsPaymentsAndTheWeightedRejectRate) {
  cache().scrape(api_page());
  const UploadSummary summary = upload();
  EXPECT_EQ(summary.payments, 2U);
  ASSERT_EQ(posts("payments").size(), 1U);
  EXPECT_EQ(value("SELECT string_agg(concat_ws(' ', account_name, payment_id, amount, address, tx,"
                  " to_char(paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')), '; '"
                  " ORDER BY payment_id) FROM payments"),
            "KZPool_001 p-1 0.00500001 bc1qone tx1 2026-11-06T21:20:00; "
            "KZPool_001 p-2 0.01000000 bc1qtwo tx2 2026-11-18T11:06:40");
  // Four workers at 100.4 TH/s each, two at 0.1 % and two at 0.2 %.
  EXPECT_EQ(value("SELECT round(reject_rate, 10) FROM hashrates"), "0.0015000000");
  EXPECT_EQ(cache_count("SELECT count(*) FROM payment WHERE uploaded_revision < revision"), 0);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadPayments, OnlyNewOrChangedPaymentsAreSentAgain) {
  cache().scrape(api_page());
  upload();
  cache().scrape(api_page());
  upload();
  EXPECT_EQ(posts("payments").size(), 1U);  // nothing pending the second time
  cache().scrape(api_page(600'000));
  EXPECT_EQ(upload().payments, 1U);
  EXPECT_EQ(count("payments"), 2);
  EXPECT_EQ(value("SELECT amount FROM payments WHERE payment_id = 'p-1'"), "0.00600000");
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadPayments, PageSnapshotsKeepANullRejectRate) {
  cache().scrape(make_pool_page(4));
  const UploadSummary summary = upload();
  EXPECT_EQ(summary.payments, 0U);
  EXPECT_EQ(posts("payments").size(), 0U);
  EXPECT_EQ(value("SELECT coalesce(reject_rate::text, 'null') FROM hashrates"), "null");
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadPayments, AMissingPaymentsTableIsRejectedAndStaysPending) {
  db().execute("DROP TABLE payments");
  supabase().gateway().reload_schema();
  cache().scrape(api_page());
  const Error e = upload_error(options());
  EXPECT_EQ(e.code(), ExitCode::upload_rejected) << e.what();
  EXPECT_EQ(cache_count("SELECT count(*) FROM payment WHERE uploaded_revision < revision"), 2);
  EXPECT_EQ(count("hashrates"), 1);  // the rest went in before
}

}  // namespace
}  // namespace kz::test
