// Uses the installed package: the paper's example (Sec. 6) solved exactly and by
// Sinkhorn in mpfr (the header library and its MPFR dependency), and sorted by the
// constructed transformer through the study layer (otverify::study).
#include <iomanip>
#include <iostream>
#include <string>

#include "otv/exact_ot.hpp"
#include "otv/instance.hpp"
#include "otv/sinkhorn.hpp"
#include "study/forward_run.hpp"

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
  otv::study::RunSpec run;
  run.instance = text;
  run.scalar = otv::parse_scalar("mpfr:128");
  const otv::study::RunResult result = otv::study::run_construction(run);
  std::cout << "study readout";
  // mpfr values come as exact decimal strings; two decimals suffice to see the order.
  for (const auto& v : result.readout) std::cout << " " << std::fixed << std::setprecision(2) << std::stod(v.get<std::string>());
  std::cout << "\n";
  return sk.converged ? 0 : 1;
}
