// otverify theorem2: the distance of the head-1 patterns A^(k) to P_lambda* in the
// Hilbert metric against the bound of Theorem 2, with a certified P_lambda* reference.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cli/app_support.hpp"
#include "cli/resource_guard.hpp"
#include "study/json_number.hpp"
#include "study/theorem2.hpp"

namespace otv::cli {

using namespace otv::study;  // the Theorem 2 study this command runs
namespace {

using nlohmann::json;

// lambda and gamma as given (not their nearest values in the type).
void print_theorem2_text(const json& j, const RunOptions& o) {
  fmt::print("Theorem 2 ({} variant, {}): n = {}, lambda = {}, gamma = {}, l = {}\n", text_of(j["variant"]), text_of(j["scalar"]),
             text_of(j["n"]), o.lambda, o.gamma, text_of(j["layers"]));
  fmt::print("r = {:.6g} (most favourable scaling), eta = {:.6g}, log phi = {:.6g}\n", number_of(j["r"]), number_of(j["eta"]),
             number_of(j["log_phi"]));
  fmt::print("bound: 10^{:.4g}; precondition l >= 10^{:.4g}: {}\n", number_of(j["log10_bound"]),
             number_of(j["log10_min_layers_for_precondition"]), j["precondition_holds"].get<bool>() ? "holds" : "does not hold");
  fmt::print("measured min_k<=l max(mu(q,q*), mu(w,w*)) = {:.6e} at k = {}\n", number_of(j["measured"]), text_of(j["argmin_layer"]));
  fmt::print("bound holds: {}; log10(bound / measured) = {:.4g}\n", j["bound_holds"].get<bool>() ? "yes" : "NO",
             number_of(j["log10_tightness"]));
  fmt::print("A^(k) = diag(w) Q diag(q): max residual {:.3e}\n", number_of(j["max_factorization_residual"]));
  for (const auto& r : j["rank"]) fmt::print("  effective rank of A^({}) = {:.4f}\n", r["layer"].get<long long>(), number_of(r["effective_rank"]));
  const auto& ref = j["reference"];
  fmt::print("reference w*, q* (P_lambda*): {}, Hilbert-metric bound {} (target {:.1e}) at {} bits; ladder:",
             ref["converged"].get<bool>() ? "certified" : "NOT converged",
             ref["hilbert_bound"].is_null() ? std::string("none") : fmt::format("{:.2e}", number_of(ref["hilbert_bound"])),
             number_of(ref["target"]), text_of(ref["bits"]));
  for (const auto& r : ref["ladder"])
    fmt::print(" {} bits ({} Newton steps{})", text_of(r["bits"]), text_of(r["newton_iterations"]),
               r["hilbert_bound"].is_null() ? ", no bound" : fmt::format(", bound {:.1e}", number_of(r["hilbert_bound"])));
  fmt::print("\n");
  if (j.contains("rates")) {
    const auto& f = j["rates"];
    fmt::print("rate fit: measured ~ l^{:.3f}(+-{:.3f}) n^{:.3f}(+-{:.3f}); paper n^1.5 l^-0.5, talk n^0.5 l^-0.5\n", number_of(f["exponent_l"]),
               number_of(f["exponent_l_stderr"]), number_of(f["exponent_n"]), number_of(f["exponent_n_stderr"]));
    fmt::print("{}\n", text_of(f["conclusion"]));
  }
}


}  // namespace

void register_theorem2(CLI::App& app, Registry& r) {
  auto t2 = std::make_shared<RunOptions>();
  auto choice = std::make_shared<ModelChoice>();
  auto rates = std::make_shared<bool>(false);
  t2->lambda = "0.5";  // the precondition is out of reach at the paper's 0.005 (docs/findings.md F5)
  t2->gamma = "0.5";
  t2->layers = 200;
  auto* cmd = app.add_subcommand("theorem2", "Theorem 2: distance of A^(k) to P_lambda* in the Hilbert metric against the stated bound");
  add_model_options(cmd, *t2, *choice);
  cmd->add_flag("--rates", *rates, "over paper, uniform and gaussian instances (n = 2, 4, 8, seeds 1-3, relabellings run once): power law vs geometric decay in l, exponents by window of l, and the fit in n");
  auto strict = std::make_shared<bool>(false);
  cmd->add_flag("--strict", *strict, "exit with code 1 when the precondition holds and the bound does not (Theorem 2 fails)");
  cmd->footer("Example: otverify theorem2 --generator paper --n 4 --lambda 0.5 --gamma 0.5 --layers 400 --rates");
  r.push_back({cmd, [t2, choice, rates, strict] {
    const auto spec = resolve(*t2, *choice);
    if (t2->layers < 1) throw otv::InputError("theorem2 needs --layers >= 1");
    t2->validate();
    // Stored: the patterns A^(k) at k = 1, 2, 4, ..., l and per-layer distances;
    // the reference ladder runs up to mpfr:512.
    const MemoryUse use{*rates ? std::max<std::size_t>(8, t2->text.n()) : t2->text.n(), t2->text.d(),
                        static_cast<long long>(std::log2(double(t2->layers))) + 2, t2->layers};
    require_memory(spec, use, "otverify theorem2");
    require_memory({ScalarSpec::Kind::mpfr, 512}, use, "otverify theorem2 (reference ladder)");
    const Theorem2Result result = run_theorem2({.instance = t2->text, .lambda = t2->lambda, .gamma = t2->gamma, .layers = t2->layers,
                                                 .variant = t2->variant, .softmax = t2->softmax, .scalar = spec, .rates = *rates,
                                                 .after_instance = nullptr});
    const json j = to_json(result);
    emit(j, choice->json, [&](const json& named) { print_theorem2_text(named, *t2); });
    return *strict && result.claim_fails() ? kExitClaimFailed : kExitOk;
  }});
}

}  // namespace otv::cli
