#pragma once
// One forward run of the constructed transformer on one instance, read out: the
// study behind `otverify run` and `otverify.run` (Python).
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "otv/construction_variant.hpp"
#include "otv/instance_text.hpp"
#include "otv/scalar_spec.hpp"
#include "otv/softmax_mode.hpp"
#include "study/entropic_reference.hpp"

namespace otv::study {

inline constexpr long long kMaxLayers = 10000000;

// What one forward run computes.
struct RunSpec {
  InstanceText instance;                         // validated (otv::validate)
  std::string lambda = "0.005", gamma = "0.01";  // decimals; Sec. 6 validation settings
  long long layers = 2000;
  Variant variant = Variant::paper;
  Softmax softmax = Softmax::stable;
  ScalarSpec scalar{ScalarSpec::Kind::double_};
  // Layers k in [0, layers] whose head-1 pattern A^(k) and readout are reported.
  std::vector<long long> patterns_at;
  // With patterns_at: the certified entropic reference (study/entropic_reference.hpp)
  // whose plan is reported as P_lambda*; run_construction computes it when absent,
  // to reference_target(scalar).
  std::optional<EntropicReference> p_lambda_star;
  // Called after each layer with the layers done; may throw to abort the run
  // (Ctrl-C in Python, progress bars). Empty: nothing is called.
  std::function<void(long long layers_done)> after_layer;
};

// A value, vector or matrix of the run's scalar type as study/json_value.hpp writes
// it: JSON numbers for float and double, round-trip decimal strings for every other
// type ("[lo, hi]" for intervals), "nan", "inf", "-inf" when not finite; a matrix is
// a list of rows, a one-column matrix a flat list.
using ScalarJson = nlohmann::json;

// A^(k) (head 1, data block, n x n) and the readout (n x d) at layer k (eq. 10).
struct PatternAtLayer {
  long long layer = 0;
  ScalarJson head1, readout;
};

// What the patterns approach (Theorem 2), scaled by n so that rows sum to 1 like A^(k):
// P_lambda* (eq. 3) from the certified reference rounded into the type, and P* (eq. 2).
struct PatternTargets {
  ScalarJson p_lambda_star, p_star;  // n x n
  bool p_lambda_star_converged = false;
  nlohmann::json p_lambda_star_reference;  // study::reference_summary
};

// The result of one run; to_json gives the schema of `otverify run --json` (docs/cli.md).
struct RunResult {
  std::string scalar;      // "double", "mpfr:256"
  nlohmann::json kernels;  // kernel_provenance()
  unsigned precision_bits = 0;
  ScalarJson unit_roundoff;
  Variant variant = Variant::paper;
  Softmax softmax = Softmax::stable;
  long long n = 0, d = 0, layers = 0;
  ScalarJson lambda, gamma;             // as parsed in the type
  ScalarJson readout, sorted;           // head 2's estimate and the exact OT's sorted x (n x d)
  ScalarJson readout_max_error;         // max_ik |readout - sorted|
  ScalarJson u, v, sink_u, sink_v;      // the u, v columns of Z^(L): data rows (n) and the sink row
  ScalarJson attention_last;            // A^(L), head 1's data block (n x n)
  ScalarJson marginal_error_rows, marginal_error_cols;  // max_i |P 1 - 1/n|, max_j |P^T 1 - 1/n|
  std::optional<ScalarJson> max_enclosure_width;        // intervals: widest u, v enclosure
  std::vector<PatternAtLayer> patterns;                 // at spec.patterns_at, in layer order
  std::optional<PatternTargets> targets;                // with patterns_at
  std::size_t nonfinite_entries = 0;                    // every non-finite value above and in Z^(L)
  std::optional<long long> first_nonfinite_layer;       // the first layer whose output is not finite
};

nlohmann::json to_json(const RunResult& r);

// Throws InputError with the CLI's one-line message unless lambda and gamma are
// positive decimals, 0 <= layers <= kMaxLayers and every patterns_at entry lies
// in [0, layers].
void validate_run_parameters(const std::string& lambda, const std::string& gamma, long long layers,
                             const std::vector<long long>& patterns_at);

// Runs the constructed transformer (Sec. 4, eqs. 4-10) for spec.layers layers on
// the prompt Z^(0) of the instance in the scalar type spec.scalar and reads out
//
//   readout_i = sum_j A^(L)_{n+1+i, j} x_j   (head 2, eq. 10)
//
// against the exact OT assignment's sorted x, with the head-1 plan's marginal errors
// max_i |P 1 - 1/n|, max_j |P^T 1 - 1/n| and the sink row (u, v) of Z^(L).
//
// Parameters
//   spec : RunSpec -- instance (n points of dimension d, x and y), lambda > 0,
//          gamma > 0, layers in [0, kMaxLayers], variant, softmax, scalar type.
// Returns
//   RunResult -- as documented above; non-finite values are results
//   (nonfinite_entries, first_nonfinite_layer), not errors.
// Throws
//   InputError (otv/error.hpp) for invalid parameters, with the CLI's messages.
// Example
//   RunSpec s;
//   s.instance.x = {{"0.5"}, {"0.75"}, {"0.25"}, {"0"}};
//   s.instance.y = {{"0"}, {"0.25"}, {"0.5"}, {"0.75"}};
//   s.scalar = parse_scalar("mpfr:256");
//   run_construction(s).readout;  // ~ ["0", "0.25", "0.5", "0.75"] (decimal strings)
RunResult run_construction(const RunSpec& spec);

// The type's name as results carry it ("double", "mpfr:256").
std::string scalar_name(const ScalarSpec& scalar);

// Which exp and which vector kernels ran: {"exp": "vector", "isa": "avx512"}.
nlohmann::json kernel_provenance();

// run_construction in one scalar type (study/forward_run_impl.hpp), instantiated once
// per type in its own translation unit; call it inside the type's precision scope.
template <class Real> struct ForwardRun {
  static RunResult run(const RunSpec& spec);
};

}  // namespace otv::study
