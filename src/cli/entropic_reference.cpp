#include "cli/entropic_reference.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "otv/sinkhorn.hpp"

namespace otv::cli {

namespace {

// Warm start: Sinkhorn in double (its f/g split may be off, which Newton corrects).
constexpr int kWarmStartIterations = 500;
constexpr unsigned kFirstRungBits = 128, kMaxRungBits = 1u << 16;

Potentials warm_start(const InstanceText& text, const std::string& lambda_text) {
  const Instance<double> inst = to_real<double>(text);
  const double lambda = parse_finite<double>(lambda_text);
  const SinkhornResult<double> s = sinkhorn_log_scaled<double>(cost_matrix<double>(inst), lambda, 0.0, kWarmStartIterations);
  Potentials p;
  for (Eigen::Index i = 0; i < s.f.size(); ++i) {
    p.alpha.push_back(fmt::format("{:.17g}", s.f(i) / lambda));
    p.beta.push_back(fmt::format("{:.17g}", s.g(i) / lambda));
  }
  return p;
}

}  // namespace

EntropicReference entropic_reference(const InstanceText& inst, const std::string& lambda, double target) {
  EntropicReference r;
  r.target = target;
  r.hilbert_bound = std::numeric_limits<double>::infinity();
  Potentials current = warm_start(inst, lambda);
  bool have_previous = false;
  const double target_bits = std::ceil(-std::log2(target));
  for (unsigned bits = kFirstRungBits; bits <= kMaxRungBits;) {
    PrecisionScope scope(bits);
    const RungRefinement refined = EntropicReferenceRung<mpfr_real>::refine(inst, lambda, current);
    const RungCertificate cert = EntropicReferenceRung<mpfi_real>::certify(inst, lambda, refined.potentials);
    const double change = have_previous ? EntropicReferenceRung<mpfr_real>::change(refined.potentials, current) : std::numeric_limits<double>::infinity();
    r.ladder.push_back({{"bits", ScalarTraits<mpfr_real>::bits()}, {"newton_iterations", refined.iterations}, {"residual", refined.residual},
                        {"log2_min_eigenvalue", std::isfinite(cert.log2_min_eigenvalue) ? nlohmann::json(cert.log2_min_eigenvalue) : nlohmann::json(nullptr)},
                        {"hilbert_bound", std::isfinite(cert.hilbert_bound) ? nlohmann::json(cert.hilbert_bound) : nlohmann::json(nullptr)},
                        {"change", have_previous ? nlohmann::json(change) : nlohmann::json(nullptr)}});
    current = refined.potentials;
    r.bits = ScalarTraits<mpfr_real>::bits();
    r.hilbert_bound = cert.hilbert_bound;
    r.converged = cert.certified && cert.hilbert_bound <= target && have_previous && change <= target;
    have_previous = true;
    if (r.converged) break;
    // The Hessian's smallest eigenvalue mu sets the precision Newton needs: a residual
    // of 2^-p gives a bound of about 2^-p / mu, so p = log2(1/mu) + target bits + 64.
    // A certified rung only needs a confirming one (bits + 1/4); else double.
    const double needed = std::isfinite(cert.log2_min_eigenvalue) ? -cert.log2_min_eigenvalue + target_bits + 64 : 0;
    const double step = cert.certified && cert.hilbert_bound <= target ? 1.25 * bits : 2.0 * bits;
    bits = static_cast<unsigned>(std::max<double>(step, std::min<double>(needed, 2.0 * kMaxRungBits)));
  }
  {
    PrecisionScope scope(r.bits);
    r.log_plan = EntropicReferenceRung<mpfr_real>::log_plan(inst, lambda, current);
    r.log_w = EntropicReferenceRung<mpfr_real>::shifted(current.alpha, "0.5");
    r.log_q = EntropicReferenceRung<mpfr_real>::shifted(current.beta, "0.5");
  }
  r.potentials = std::move(current);
  return r;
}

nlohmann::json reference_summary(const EntropicReference& r) {
  return {{"method", "log-domain Sinkhorn (double), then Newton on the dual in mpfr, certified in mpfi (docs/error-model.md E8)"},
          {"converged", r.converged},
          {"hilbert_bound", std::isfinite(r.hilbert_bound) ? nlohmann::json(r.hilbert_bound) : nlohmann::json(nullptr)},
          {"target", r.target},
          {"bits", r.bits},
          {"ladder", r.ladder}};
}

}  // namespace otv::cli
