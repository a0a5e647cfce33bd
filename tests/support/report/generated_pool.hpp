#pragma once

// A generated observer page (support/page_generator.hpp) behind plain types, for test files that
// include report/report_model.hpp: scrape/observer_page.hpp declares a kz::PaymentRow of its own,
// so the two headers cannot meet in one file.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace kz::test {

class GeneratedPool {
 public:
  // `workers` workers, all online at 100 TH/s; income and balance as make_model(workers, seed).
  GeneratedPool(std::size_t workers, uint32_t seed);
  ~GeneratedPool();
  GeneratedPool(const GeneratedPool&) = delete;
  GeneratedPool& operator=(const GeneratedPool&) = delete;

  std::size_t workers() const;
  std::string worker(std::size_t i) const;
  // Worker i online at 100 TH/s or offline at 0; the cards and the pool's hashrate follow.
  void set_online(std::size_t i, bool online);
  void set_avg_24h_hs(std::optional<double> hs);

  double hashrate_hs() const;
  std::optional<double> avg_24h_hs() const;
  int64_t online() const;
  int64_t offline() const;
  std::optional<int64_t> balance_sat() const;
  std::optional<int64_t> last_income_sat() const;
  std::size_t income_days() const;

  // The page in the default variant (render_page(model, Variant{})).
  std::string page() const;

 private:
  struct Model;
  std::unique_ptr<Model> model_;
};

}  // namespace kz::test
