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

// The result, in the schema of `otverify run --json` (docs): scalar, kernels,
// precision_bits, unit_roundoff, variant, softmax, n, d, lambda, gamma, layers,
// readout, sorted, readout_max_error, u, v, sink, attention_last, marginal_error,
// max_enclosure_width (intervals), patterns/p_lambda_star/p_star (patterns_at),
// breakdown. Numbers of float and double are JSON numbers, of every other type
// round-trip decimal strings (study/json_value.hpp).
struct RunResult {
  nlohmann::json record;
};

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
//   RunResult -- record as documented above; non-finite values are results
//   (breakdown.nonfinite_entries, breakdown.first_nonfinite_layer), not errors.
// Throws
//   InputError (otv/error.hpp) for invalid parameters, with the CLI's messages.
// Example
//   RunSpec s;
//   s.instance.x = {{"0.5"}, {"0.75"}, {"0.25"}, {"0"}};
//   s.instance.y = {{"0"}, {"0.25"}, {"0.5"}, {"0.75"}};
//   s.scalar = parse_scalar("mpfr:256");
//   run_construction(s).record["readout"];  // ~ ["0", "0.25", "0.5", "0.75"]
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
