// Uses the installed otv headers: the paper's example (Sec. 6) solved exactly
// and by Sinkhorn in mpfr, so that the header library and its MPFR dependency
// both come through find_package(otverify).
#include <iostream>

#include "otv/exact_ot.hpp"
#include "otv/instance.hpp"
#include "otv/sinkhorn.hpp"

int main() {
  using Real = otv::mpfr_real;
  const otv::PrecisionScope precision(128);
  otv::InstanceText text;
  text.x = otv::parse_inline_points("0.5,0.75,0.25,0", "x");
  text.y = otv::parse_inline_points("0,0.25,0.5,0.75", "y");
  const auto inst = otv::to_real<Real>(text);
  const auto sorted = otv::transported_x(inst, otv::exact_ot(inst));
  for (Eigen::Index i = 0; i < sorted.rows(); ++i) std::cout << (i ? " " : "sorted ") << sorted(i, 0);
  const auto sk = otv::sinkhorn_log<Real>(otv::cost_matrix(inst), Real("0.1"), Real("1e-30"), 10000);
  std::cout << "\nsinkhorn converged " << sk.converged << "\n";
  return sk.converged ? 0 : 1;
}
