// otverify theorem1: the transformer's u, v columns against adaptive GD, per layer,
// with a precision ladder, random trials and an interval certificate.
#include <fmt/format.h>

#include <random>

#include "cli/app_support.hpp"
#include "cli/model_commands.hpp"
#include "cli/resource_guard.hpp"
#include "cli/scalar_registry.hpp"

namespace otv::cli {
namespace {

using nlohmann::json;

// Least-squares slope of log(err) against log(unit roundoff) over the ladder
// entries with a positive error: ~1 means the error is rounding, ~0 that it is not.
json fit_slope(const json& ladder) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int k = 0;
  for (const auto& e : ladder) {
    const double err = e["max_err"].get<double>(), u = e["unit_roundoff"].get<double>();
    if (!(err > 0) || !(u > 0) || !std::isfinite(err)) continue;
    const double x = std::log(u), y = std::log(err);
    sx += x; sy += y; sxx += x * x; sxy += x * y; ++k;
  }
  if (k < 2) return nullptr;
  return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

unsigned certify_bits(const Theorem1Options& o) {
  return o.certify_bits ? o.certify_bits : static_cast<unsigned>(std::min<long long>(kMaxBits, 128 + 2 * o.run.layers));
}

// Decides Theorem 1 on one instance: base scalar, then the ladder (always for a
// single instance, only on failure for random trials), then the certificate.
json decide_theorem1(const Theorem1Options& o, const ScalarSpec& base, const otv::InstanceText& inst,
                     bool always_ladder) {
  auto run_in = [&](const ScalarSpec& spec) {
    return with_scalar(spec, [&]<class Real>() { return ModelCommands<Real>::theorem1(o.run, inst); });
  };
  json j = run_in(base);
  const bool base_holds = j["first_failing_layer"].is_null();
  json ladder = json::array();
  json top;
  if (always_ladder || !base_holds) {
    for (const auto& name : otv::split(o.ladder, ',')) {
      json r = run_in(parse_scalar(otv::trim(name)));
      ladder.push_back({{"scalar", r["scalar"]}, {"max_err", r["max_err"]}, {"unit_roundoff", r["unit_roundoff"]},
                        {"tolerance", r["tolerance"]}, {"first_failing_layer", r["first_failing_layer"]}});
      top = r;
    }
  }
  j["ladder"] = ladder;
  j["ladder_slope"] = fit_slope(ladder);
  if (base_holds) j["verdict"] = "holds";
  else j["verdict"] = (!top.is_null() && top["first_failing_layer"].is_null()) ? "rounding-only" : "fails";
  if (o.certify) {
    json c = with_scalar({ScalarSpec::Kind::mpfi, certify_bits(o)},
                         [&]<class Real>() { return ModelCommands<Real>::theorem1(o.run, inst); });
    j["certificate"] = c["certificate"];
  }
  return j;
}


void print_theorem1_text(const json& j) {
  fmt::print("Theorem 1 ({} variant, {}): transformer u, v columns vs adaptive GD\n", text_of(j["variant"]), text_of(j["scalar"]));
  if (j.contains("trials")) {
    fmt::print("{} random trials: {} hold, {} rounding-only, {} fail\n", j["trials"].size(), j["counts"]["holds"].get<int>(),
               j["counts"]["rounding-only"].get<int>(), j["counts"]["fails"].get<int>());
    if (!j["worst_case"].is_null()) fmt::print("first failing case: otverify theorem1 --replay '{}'\n", text_of(j["worst_case"]));
  }
  fmt::print("{:>7} {:>12} {:>12} {:>12}  {:>14} {:>14}\n", "layer", "max|du|", "max|dv|", "tolerance", "sink u", "sink v");
  const auto& pl = j["per_layer"];
  const std::size_t L = pl.size();
  for (std::size_t k = 0; k < L; ++k) {
    const bool show = k < 5 || k + 1 == L || ((k + 1) & k) == 0;  // first layers, powers of 2, last
    if (!show) continue;
    const auto& r = pl[k];
    fmt::print("{:>7} {:>12.3e} {:>12.3e} {:>12.3e}  {:>14.6e} {:>14.6e}\n", r["layer"].get<int>(), r["max_u_err"].get<double>(),
               r["max_v_err"].get<double>(), r["tolerance"].get<double>(), std::stod(text_of(j["sink"][k]["u"])),
               std::stod(text_of(j["sink"][k]["v"])));
  }
  fmt::print("first layer beyond the rounding tolerance: {}\n", j["first_failing_layer"].is_null() ? "none" : text_of(j["first_failing_layer"]));
  if (!j["ladder"].empty()) {
    fmt::print("precision ladder (max error over all layers):\n");
    for (const auto& e : j["ladder"])
      fmt::print("  {:<12} u = {:.3e}  max err = {:.6e}  tolerance = {:.3e}\n", text_of(e["scalar"]), e["unit_roundoff"].get<double>(),
                 e["max_err"].get<double>(), e["tolerance"].get<double>());
    fmt::print("  slope of log(err) vs log(u): {}\n", j["ladder_slope"].is_null() ? "n/a" : fmt::format("{:.3f}", j["ladder_slope"].get<double>()));
  }
  if (j.contains("certificate")) {
    const auto& c = j["certificate"];
    if (!c["counterexample"].is_null())
      fmt::print("certified counterexample (mpfi:{}, about the decimals as parsed): layer {}, row {}, column {}: {} vs GD {}\n", text_of(c["bits"]),
                 text_of(c["counterexample"]["layer"]), text_of(c["counterexample"]["row"]), text_of(c["counterexample"]["column"]),
                 text_of(c["counterexample"]["column_enclosure"]), text_of(c["counterexample"]["gd_enclosure"]));
    else
      fmt::print("certificate (mpfi:{}): |difference| <= {} over {} layers (informative through layer {})\n", text_of(c["bits"]),
                 text_of(c["max_abs_difference_bound"]), text_of(c["layers"]), text_of(c["informative_through_layer"]));
  }
  fmt::print("verdict: {}\n", text_of(j["verdict"]));
}


}  // namespace

void register_theorem1(CLI::App& app, Registry& r) {
  auto t1 = std::make_shared<Theorem1Options>();
  auto choice = std::make_shared<ModelChoice>();
  auto* cmd = app.add_subcommand("theorem1", "decide Theorem 1: do the u, v columns equal the adaptive-GD iterates at every layer?");
  add_model_options(cmd, t1->run, *choice);
  cmd->add_option("--trials", t1->trials, "random uniform instances to try (n uniform in [1, --max-n]); 0: the given instance");
  cmd->add_option("--max-n", t1->max_n, "largest n for --trials (default 8)");
  cmd->add_option("--ladder", t1->ladder, "precision ladder (default double,mpfr:128,mpfr:256,mpfr:512)");
  cmd->add_flag("--certify", t1->certify, "also run both computations in mpfi interval arithmetic");
  cmd->add_option("--certify-bits", t1->certify_bits, "mpfi precision for --certify (default 128 + 2 x layers)");
  cmd->add_option("--replay", t1->replay, "rerun one case, e.g. 'generator=uniform,n=3,d=1,seed=7,lambda=0.01,gamma=0.01,layers=5,variant=paper'");
  auto strict = std::make_shared<bool>(false);
  cmd->add_flag("--strict", *strict, "exit with code 1 when the verdict is 'fails' (Theorem 1 does not hold)");
  cmd->footer("Example: otverify theorem1 --variant paper --layers 50 --certify");
  r.push_back({cmd, [t1, choice, strict] {
    const auto spec = resolve(t1->run, *choice);
    t1->validate();
    // Every scalar the decision runs in: base, ladder and certificate, one at a time.
    const bool trials = t1->trials > 0;
    const MemoryUse use{trials ? static_cast<std::size_t>(t1->max_n) : t1->run.text.n(),
                        trials ? static_cast<std::size_t>(t1->run.instance.d) : t1->run.text.d(), 0, t1->run.layers};
    require_memory(spec, use, "otverify theorem1");
    for (const auto& name : otv::split(t1->ladder, ',')) require_memory(parse_scalar(otv::trim(name)), use, "otverify theorem1 --ladder");
    if (t1->certify) require_memory({ScalarSpec::Kind::mpfi, certify_bits(*t1)}, use, "otverify theorem1 --certify");
    json j;
    if (t1->trials == 0) {
      j = decide_theorem1(*t1, spec, t1->run.text, true);
    } else {
      // Random trials: uniform instances with n drawn from [1, max_n].
      std::mt19937_64 rng(t1->run.instance.seed);
      json trials = json::array();
      json counts = {{"holds", 0}, {"rounding-only", 0}, {"fails", 0}};
      json worst = nullptr, worst_case = nullptr;
      for (long long k = 0; k < t1->trials; ++k) {
        const auto n = static_cast<std::size_t>(1 + rng() % static_cast<std::uint64_t>(t1->max_n));
        const std::uint64_t seed = rng();
        const auto d = static_cast<std::size_t>(t1->run.instance.d);
        json r = decide_theorem1(*t1, spec, otv::uniform_instance(n, d, seed), false);
        const std::string verdict = r["verdict"];
        counts[verdict] = counts[verdict].get<int>() + 1;
        const std::string replay = fmt::format("generator=uniform,n={},d={},seed={},lambda={},gamma={},layers={},variant={}", n, d, seed,
                                               t1->run.lambda, t1->run.gamma, t1->run.layers, otv::to_string(t1->run.variant));
        trials.push_back({{"n", n}, {"seed", seed}, {"verdict", verdict}, {"first_failing_layer", r["first_failing_layer"]},
                          {"max_err", r["max_err"]}, {"replay", replay}});
        if (worst.is_null() || (verdict != "holds" && worst["verdict"] == "holds")) { worst = r; if (verdict != "holds") worst_case = replay; }
      }
      j = worst;
      j["trials"] = trials;
      j["counts"] = counts;
      j["worst_case"] = worst_case;
      j["verdict"] = counts["fails"].get<int>() > 0 ? "fails" : (counts["rounding-only"].get<int>() > 0 ? "rounding-only" : "holds");
    }
    j["variant"] = otv::to_string(t1->run.variant);
    j["layers"] = t1->run.layers;
    emit(j, choice->json, print_theorem1_text);
    return *strict && j["verdict"] == "fails" ? kExitClaimFailed : kExitOk;
  }});
}

}  // namespace otv::cli
