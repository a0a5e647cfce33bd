#include "support/report/generated_pool.hpp"

#include "support/page_generator.hpp"

namespace kz::test {

struct GeneratedPool::Model {
  ObserverPage page;
};

GeneratedPool::GeneratedPool(std::size_t workers, uint32_t seed)
    : model_(std::make_unique<Model>()) {
  model_->page = make_model(workers, seed, 5);
  for (std::size_t i = 0; i < workers; ++i) set_online(i, true);
}

GeneratedPool::~GeneratedPool() = default;

std::size_t GeneratedPool::workers() const {
  return model_->page.workers.size();
}
std::string GeneratedPool::worker(std::size_t i) const {
  return model_->page.workers.at(i).name;
}

void GeneratedPool::set_online(std::size_t i, bool online) {
  ObserverPage& page = model_->page;
  WorkerRow& w = page.workers.at(i);
  w.status = online ? WorkerStatus::online : WorkerStatus::offline;
  const double rate = online ? 100e12 : 0;
  w.hashrate_10m_hs = w.hashrate_1h_hs = rate;
  if (online) w.hashrate_24h_hs = rate;
  int64_t on = 0;
  for (const WorkerRow& row : page.workers) on += row.status == WorkerStatus::online;
  page.online_workers = on;
  page.offline_workers = static_cast<int64_t>(page.workers.size()) - on;
  page.current_hashrate_hs = static_cast<double>(on) * 100e12;
}

void GeneratedPool::set_avg_24h_hs(std::optional<double> hs) {
  model_->page.avg_hashrate_24h_hs = hs;
}

double GeneratedPool::hashrate_hs() const {
  return model_->page.current_hashrate_hs;
}
std::optional<double> GeneratedPool::avg_24h_hs() const {
  return model_->page.avg_hashrate_24h_hs;
}
int64_t GeneratedPool::online() const {
  return model_->page.online_workers;
}
int64_t GeneratedPool::offline() const {
  return model_->page.offline_workers;
}
std::optional<int64_t> GeneratedPool::balance_sat() const {
  return model_->page.balance_sat;
}
std::optional<int64_t> GeneratedPool::last_income_sat() const {
  return model_->page.last_income_sat;
}
std::size_t GeneratedPool::income_days() const {
  return model_->page.income.size();
}

std::string GeneratedPool::page() const {
  return render_page(model_->page, Variant{});
}

}  // namespace kz::test
