// PendingRows for the payment table (kzscrape --source api).
#include <SQLiteCpp/Statement.h>

#include "upload/pending_rows.hpp"

namespace kz {

bool PendingRows::has_payments() {
  return !payments_after("", 1).empty();
}

std::vector<PaymentState> PendingRows::payments_after(const std::string& after_id,
                                                      std::size_t limit) {
  std::vector<PaymentState> rows;
  try {
    SQLite::Statement select(cache_.db(),
                             "SELECT payment_id, amount_sat, address, tx, created_at, revision"
                             " FROM payment y WHERE pool_id = ? AND payment_id > ?"
                             " AND uploaded_revision < revision" +
                                 revision_not_set_aside("payments", "y", "payment_id") +
                                 " ORDER BY payment_id LIMIT ?");
    select.bind(1, pool_id_);
    select.bind(2, after_id);
    select.bind(3, static_cast<int64_t>(limit));
    while (select.executeStep()) {
      PaymentState& row = rows.emplace_back();
      row.payment_id = select.getColumn(0).getString();
      row.amount_sat = select.getColumn(1).getInt64();
      row.address = select.getColumn(2).getString();
      row.tx = select.getColumn(3).getString();
      row.paid_at = select.getColumn(4).getString();
      row.revision = select.getColumn(5).getInt64();
    }
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
  return rows;
}

// The revision that was sent: a change kzscrape made meanwhile stays pending.
void PendingRows::mark_payments_uploaded(const std::vector<PaymentState>& payments) {
  cache_.write_transaction([&] {
    SQLite::Statement mark(cache_.db(),
                           "UPDATE payment SET uploaded_revision = ?1 WHERE pool_id = ?2"
                           " AND payment_id = ?3 AND uploaded_revision < ?1");
    for (const PaymentState& payment : payments) {
      mark.bind(1, payment.revision);
      mark.bind(2, pool_id_);
      mark.bind(3, payment.payment_id);
      mark.exec();
      mark.reset();
    }
  });
}

}  // namespace kz
