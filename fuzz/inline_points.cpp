// Fuzzes the --x/--y parser (inline lists "0.5,0.75" and matrices "0.1 0.2;0.3 0.4")
// through instance validation and parsing into double and mpfr.
#include "fuzz_target.hpp"
#include "otv/instance.hpp"

void fuzz_one(const std::string& text) {
  const otv::PointsText points = otv::parse_inline_points(text, "--x");
  const otv::InstanceText instance{points, points};
  otv::validate(instance);
  const auto as_double = otv::to_real<double>(instance);
  otv::mpfr_real::default_precision(40);  // 136 bits
  const auto as_mpfr = otv::to_real<otv::mpfr_real>(instance);
  if (as_double.n() != static_cast<Eigen::Index>(points.size()) || as_mpfr.d() != as_double.d()) __builtin_trap();
}
