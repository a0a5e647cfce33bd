#include "upload/rejected_rows.hpp"

#include "common/error.hpp"

namespace kz {

// Interface stub until the cache side lands.
void RejectedRows::set_aside(int64_t, const RowRef& row, const std::string& error,
                             const std::string&) {
  throw Error(ExitCode::internal, "set_aside is not implemented: " + row.table + " " + error);
}
std::size_t RejectedRows::clear(int64_t) {
  return 0;
}
std::size_t RejectedRows::count(int64_t) {
  return 0;
}

}  // namespace kz
