// Fuzzes the CSV reader of --x-file/--y-file through instance validation and
// parsing into double.
#include <sstream>

#include "fuzz_target.hpp"
#include "otv/instance.hpp"

void fuzz_one(const std::string& text) {
  std::istringstream in(text);
  const otv::PointsText points = otv::parse_points_csv(in, "fuzz.csv");
  const otv::InstanceText instance{points, points};
  otv::validate(instance);
  const auto as_double = otv::to_real<double>(instance);
  if (as_double.n() != static_cast<Eigen::Index>(points.size())) __builtin_trap();
}
