#pragma once
// Theorem 2 as a study: the distance of the head-1 patterns A^(k) (eq. 10) to the
// certified P_lambda* (study/entropic_reference.hpp) in the Hilbert metric, against
// the stated bound, and optionally the measured rate over a grid of instances
// (study/theorem2_rates.hpp). The JSON codec gives `otverify theorem2 --json`.
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "otv/construction_variant.hpp"
#include "otv/instance_text.hpp"
#include "otv/scalar_spec.hpp"
#include "otv/theorem2_bound.hpp"
#include "otv/softmax_mode.hpp"
#include "study/entropic_reference.hpp"
#include "study/theorem2_rates.hpp"

namespace otv::study {

struct Theorem2Spec {
  InstanceText instance;                     // validated (otv::validate)
  std::string lambda = "0.5", gamma = "0.5";  // the precondition is out of reach at the paper's 0.005 (docs/findings.md F5)
  long long layers = 200;                    // l >= 1
  Variant variant = Variant::paper;
  Softmax softmax = Softmax::stable;
  ScalarSpec scalar{ScalarSpec::Kind::double_};
  // Also the rate over paper, uniform and gaussian instances, n = 2, 4, 8, seeds 1-3.
  bool rates = false;
  // Called after each instance is analysed (progress, Ctrl-C); may throw to abort.
  std::function<void()> after_instance;
};

// Singular values of an n x n pattern and its effective rank
// exp(entropy of sigma / sum sigma) (Roy & Vetterli 2007): n for a multiple of a
// permutation, 1 for rank one.
struct Spectrum {
  std::vector<double> singular_values;  // decreasing
  double effective_rank = 0;
};
Spectrum spectrum(const std::vector<double>& row_major, std::size_t n);

struct Theorem2Layer {
  long long layer = 0;
  double distance = 0;  // max(mu(q^(k), q*), mu(w^(k), w*))
  double residual = 0;  // of the factorisation A^(k) = diag(w) Q diag(q)
};

struct PatternSpectrum {
  long long layer = 0;
  Spectrum spectrum;
};

struct Theorem2Result {
  std::string scalar;
  nlohmann::json kernels;
  double unit_roundoff = 0;
  Variant variant = Variant::paper;
  long long n = 0, layers = 0;
  nlohmann::json lambda, gamma;  // in the type (study/json_value.hpp)
  Theorem2Bound bound{};         // r (most favourable scaling), eta, phi, the bound and its precondition
  double measured = 0;           // min over k <= l of the distance
  long long argmin_layer = 0;
  double max_factorization_residual = 0;
  std::vector<Theorem2Layer> per_layer;
  std::vector<PatternSpectrum> rank;  // k = 1, 2, 4, ..., l
  EntropicReference reference;
  std::optional<Theorem2Rates> rates;

  bool bound_holds() const;
  // The claim fails: the precondition holds and the bound does not.
  bool claim_fails() const;
};

// The depth l >= 64 n^3 exp(3r/lambda) r the precondition needs, ceil(10^log10_min_layers),
// while below 10^15 (an exact integer in a double); nullopt beyond: out of reach.
std::optional<double> min_layers_for_precondition(const Theorem2Bound& b);

// Theorem 2 on one instance:
//
//   max(mu(q^(k), q*), mu(w^(k), w*)) <= 36 n^{3/2} e^{r/lambda} sqrt(r) / (sqrt(l) (1 - eta)),
//   valid when l >= 64 n^3 exp(3r/lambda) r,
//
// with A^(k) = diag(w^(k)) Q diag(q^(k)) and P_lambda* = diag(w*) Q diag(q*)
// certified to 2^-8 u of the type (at most 1e-20 nats).
//
// Parameters
//   spec : Theorem2Spec -- instance (n points), lambda, gamma > 0, layers l >= 1,
//          variant, scalar type, rates.
// Returns
//   Theorem2Result -- per-layer distances and residuals, the bound, the measured
//   minimum, effective ranks of A^(k), the reference and (rates) the rate analysis.
// Throws
//   InputError for invalid parameters, with the CLI's messages.
// Example
//   Theorem2Spec s;
//   s.instance = otv::paper_instance(4, 1);
//   s.layers = 300;
//   run_theorem2(s).measured;  // < 1e-12
Theorem2Result run_theorem2(const Theorem2Spec& spec);

// The run in one scalar type against the reference's log w*, log q*
// (study/theorem2_impl.hpp), instantiated per type; call it inside the type's precision scope.
template <class Real> struct Theorem2Study {
  static Theorem2Result run(const Theorem2Spec& spec, const EntropicReference& reference);
};

// An instance up to relabelling: its x and y point lists, each sorted. The dynamics
// are equivariant under permutations of the x and of the y indices, so instances
// with the same key give the same distances.
std::string relabelling_key(const InstanceText& inst);

// `otverify theorem2 --json`.
nlohmann::json to_json(const Theorem2Result& r);

}  // namespace otv::study
