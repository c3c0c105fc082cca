#pragma once
// The certified P_lambda* reference (docs/error-model.md E8): epsilon-scaled
// log-domain Sinkhorn in double for a start, then Newton's method on the dual
// (otv/dual_newton.hpp) in mpfr on a precision ladder, each rung certified in mpfi
// (otv/scaling_certificate.hpp). The ladder stops at the first rung whose
// certified Hilbert-metric bound and whose change from the rung before are both
// below the target; otherwise the reference is reported as not converged.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "otv/instance.hpp"

namespace otv::cli {

// Log scalings of the kernel: P_ij = exp(alpha_i + beta_j - C_ij/lambda), as decimal strings.
struct Potentials {
  std::vector<std::string> alpha, beta;
};

struct RungRefinement {
  Potentials potentials;
  int iterations = 0;
  double residual = 0;
};

struct RungCertificate {
  double residual = 0, log2_min_eigenvalue = 0, hilbert_bound = 0;  // log2 of the certified mu (-inf: none)
  bool certified = false;
};

// One rung at the current working precision (a PrecisionScope); instantiated for
// mpfr (refine, change, plan) and mpfi (certify), each in its own translation unit.
template <class Real> struct EntropicReferenceRung {
  static RungRefinement refine(const InstanceText& inst, const std::string& lambda, const Potentials& start);
  static RungCertificate certify(const InstanceText& inst, const std::string& lambda, const Potentials& p);
  // osc(alpha - alpha') + osc(beta - beta'): the Hilbert distance of the two plans.
  static double change(const Potentials& a, const Potentials& b);
  // log P_ij (row-major) and log w* = alpha + 1/2, log q* = beta + 1/2 (P = diag(w) Q diag(q), Sec. 5).
  static std::vector<std::string> log_plan(const InstanceText& inst, const std::string& lambda, const Potentials& p);
  static std::vector<std::string> shifted(const std::vector<std::string>& x, const std::string& shift);
};

struct EntropicReference {
  Potentials potentials;
  unsigned bits = 0;                  // of the accepted rung
  double hilbert_bound = 0;           // certified bound on osc(log P_lambda* - log P(alpha, beta)), nats
  double target = 0;
  bool converged = false;             // bound <= target and the last change <= target
  std::vector<std::string> log_plan;  // n x n row-major, at `bits`
  std::vector<std::string> log_w, log_q;
  nlohmann::json ladder = nlohmann::json::array();  // per rung: bits, Newton iterations, residual, log2 mu, bound, change (no timings: outputs are deterministic)
};

// lambda: the decimal the computation parses (the certificate is about that
// decimal and the instance's decimals, not about the values a generator meant).
EntropicReference entropic_reference(const InstanceText& inst, const std::string& lambda, double target);

// {"converged", "hilbert_bound", "target", "bits", "ladder", "method"}.
nlohmann::json reference_summary(const EntropicReference& r);

}  // namespace otv::cli
