#pragma once
// The certified P_lambda* reference (docs/error-model.md E8): epsilon-scaled
// log-domain Sinkhorn in double for a start, then Newton's method on the dual
// (otv/dual_newton.hpp) in mpfr on a precision ladder (study/precision_ladder.hpp),
// each rung certified in mpfi (otv/scaling_certificate.hpp). The ladder settles at
// the first rung whose certified Hilbert-metric bound and whose change from the rung
// below are both below the target; otherwise the reference is not converged.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "otv/instance_text.hpp"
#include "study/precision_ladder.hpp"

namespace otv::study {

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
// mpfr (refine, change, plan) and mpfi (certify) in the study's per-type units.
template <class Real> struct EntropicReferenceRung {
  static RungRefinement refine(const InstanceText& inst, const std::string& lambda, const Potentials& start);
  static RungCertificate certify(const InstanceText& inst, const std::string& lambda, const Potentials& p);
  // osc(alpha - alpha') + osc(beta - beta'): the Hilbert distance of the two plans.
  static double change(const Potentials& a, const Potentials& b);
  // log P_ij (row-major) and log w* = alpha + 1/2, log q* = beta + 1/2 (P = diag(w) Q diag(q), Sec. 5).
  static std::vector<std::string> log_plan(const InstanceText& inst, const std::string& lambda, const Potentials& p);
  static std::vector<std::string> shifted(const std::vector<std::string>& x, const std::string& shift);
};

// One rung of the reference ladder: the Newton refinement at `bits` and its certificate.
struct ReferenceRung {
  unsigned scope_bits = 0;  // the PrecisionScope it ran in (the rung's ScalarSpec bits)
  unsigned bits = 0;        // the working precision that gave, as reported
  Potentials potentials;
  int newton_iterations = 0;
  double residual = 0;
  RungCertificate certificate;
};

// The stopping rule of the reference ladder after rung k (rungs[k].change: the
// Hilbert distance to rung k-1's plan):
//   settled  iff certified, bound <= target and change <= target;
//   next bits = max(1.25 b (certified below target: a confirming rung) or 2 b,
//                   min(log2(1/mu) + ceil(-log2 target) + 64, 2 max_bits)),
// since a Newton residual 2^-p gives a bound of about 2^-p / mu (mu: the Hessian's
// smallest eigenvalue); no next rung when settled or past max_bits.
LadderStep reference_step(const std::vector<Rung<ReferenceRung>>& rungs, double target, unsigned max_bits);

struct EntropicReference {
  Potentials potentials;              // of the top rung
  unsigned bits = 0;                  // of the top rung
  double hilbert_bound = 0;           // certified bound on osc(log P_lambda* - log P(alpha, beta)), nats
  double target = 0;
  bool converged = false;             // the ladder settled at the top rung: the plan below is the certified one
  std::vector<std::string> log_plan;  // n x n row-major, at `bits`
  std::vector<std::string> log_w, log_q;
  // per rung: bits, Newton iterations, residual, log2 mu, bound, change (no timings: outputs are deterministic)
  nlohmann::json ladder = nlohmann::json::array();
};

// The reference for an instance, certified to `target` nats in the Hilbert metric.
//
//   P_lambda* = argmin_P Tr(PC) + lambda sum_ij P_ij log P_ij over doubly stochastic P,
//   P_lambda* = diag(w*) Q diag(q*), Q_ij = exp(-C_ij/lambda - 1).
//
// Parameters
//   inst   : InstanceText -- n points x, y (decimals; the certificate is about them).
//   lambda : decimal > 0 -- the decimal the computation parses.
//   target : nats > 0 -- the Hilbert-metric accuracy asked for.
// Returns
//   EntropicReference -- log P, log w*, log q* as decimals at the top rung's
//   precision, the certified bound and whether the ladder converged there.
// Example
//   entropic_reference(otv::paper_instance(4, 1), "0.5", 1e-20).converged;  // true
EntropicReference entropic_reference(const InstanceText& inst, const std::string& lambda, double target);

// The accuracy a reference for a run in `scalar` needs: 2^-8 of its unit roundoff,
// and at most 1e-20 nats (far below what the type can measure).
double reference_target(const ScalarSpec& scalar);

// {"converged", "hilbert_bound", "target", "bits", "ladder", "method"}.
nlohmann::json reference_summary(const EntropicReference& r);

}  // namespace otv::study
