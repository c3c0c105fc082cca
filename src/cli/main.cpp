// otverify: formal-numerics verification of the transformer OT construction.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <array>
#include <limits>
#include <random>

#include <Eigen/Dense>

#include "otv/hilbert_metric.hpp"

#include "cli/commands.hpp"
#include "cli/scalar_registry.hpp"

namespace {

using nlohmann::json;

// Exit codes (README): 0 ok, 1 a checked claim failed under --strict, 2 bad input,
// 4 internal error.
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 4;

std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

void add_instance_options(CLI::App* app, otv::cli::InstanceOptions& o) {
  app->add_option("--x", o.x, "source points inline: '0.5,0.75' (d = 1) or '0.1 0.2;0.3 0.4' (d = 2)");
  app->add_option("--y", o.y, "target points inline, same syntax as --x");
  app->add_option("--x-file", o.x_file, "CSV file of source points, one point per row");
  app->add_option("--y-file", o.y_file, "CSV file of target points, one point per row");
  app->add_option("--generator", o.generator, "seeded generator: paper (x a permutation of {1/n..1}, y_i = i/n), uniform, gaussian");
  app->add_option("--n", o.n, "number of points for --generator");
  app->add_option("--d", o.d, "dimension for --generator (default 1)");
  app->add_option("--seed", o.seed, "seed for --generator (default 1)");
}

// The options every model-running subcommand shares, kept as text until parsed.
struct ModelChoice {
  std::string scalar = "double", variant = "paper", softmax = "stable";
  bool json = false;
};

void add_model_options(CLI::App* app, otv::cli::RunOptions& run, ModelChoice& m) {
  add_instance_options(app, run.instance);
  app->add_option("--lambda", run.lambda, "entropic regularisation lambda > 0 (default " + run.lambda + ")");
  app->add_option("--gamma", run.gamma, "step size gamma > 0 (default " + run.gamma + ")");
  app->add_option("--layers", run.layers, "number of layers (default " + std::to_string(run.layers) + ")");
  app->add_option("--variant", m.variant, "construction: paper, notebook, corrected or relu-reset (default paper)");
  app->add_option("--scalar", m.scalar, "scalar type: float, double, long-double, float128, cpp_bin_float_50, cpp_bin_float_100, mpfr:BITS, mpfi:BITS (default double)");
  app->add_option("--softmax", m.softmax, "softmax: stable (max-subtracted, default) or naive");
  app->add_flag("--json", m.json, "print one JSON object instead of text");
}

// Parses the shared choices into run and returns the scalar type.
otv::cli::ScalarSpec resolve(otv::cli::RunOptions& run, const ModelChoice& m) {
  run.variant = otv::parse_variant(m.variant);
  run.softmax = otv::cli::parse_softmax(m.softmax);
  return otv::cli::parse_scalar(m.scalar);
}

void print_run_text(const json& j) {
  fmt::print("otverify run: {} variant, {} ({} bits), n = {}, d = {}, lambda = {}, gamma = {}, {} layers\n",
             text_of(j["variant"]), text_of(j["scalar"]), text_of(j["precision_bits"]), text_of(j["n"]), text_of(j["d"]),
             text_of(j["lambda"]), text_of(j["gamma"]), text_of(j["layers"]));
  auto print_points = [](const char* label, const json& pts) {
    fmt::print("{:<9}", label);
    for (const auto& p : pts) fmt::print(" {}", text_of(p));
    fmt::print("\n");
  };
  print_points("readout", j["readout"]);
  print_points("sorted", j["sorted"]);
  fmt::print("max |readout - sorted| = {}\n", text_of(j["readout_max_error"]));
  fmt::print("marginal error of the head-1 plan: rows {}, cols {}\n", text_of(j["marginal_error"]["rows"]),
             text_of(j["marginal_error"]["cols"]));
  fmt::print("sink row: u = {}, v = {}\n", text_of(j["sink"]["u"]), text_of(j["sink"]["v"]));
  if (j["n"].get<long long>() <= 16) {
    fmt::print("head-1 attention pattern A^(L) (data block, eq. 10):\n");
    for (const auto& row : j["attention_last"]) {
      for (const auto& a : row) fmt::print(" {:>10.3e}", std::stod(text_of(a).substr(text_of(a)[0] == '[' ? 1 : 0)));
      fmt::print("\n");
    }
  }
  const auto& b = j["breakdown"];
  if (b["nonfinite_entries"].get<std::size_t>() > 0)
    fmt::print("BREAKDOWN: {} non-finite entries; first non-finite layer {}\n", text_of(b["nonfinite_entries"]),
               text_of(b["first_nonfinite_layer"]));
}

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

// Decides Theorem 1 on one instance: base scalar, then the ladder (always for a
// single instance, only on failure for random trials), then the certificate.
json decide_theorem1(const otv::cli::Theorem1Options& o, const otv::cli::ScalarSpec& base, const otv::InstanceText& inst,
                     bool always_ladder) {
  using otv::cli::with_scalar;
  auto run_in = [&](const otv::cli::ScalarSpec& spec) {
    return with_scalar(spec, [&]<class Real>() { return otv::cli::theorem1_command<Real>(o.run, inst); });
  };
  json j = run_in(base);
  const bool base_holds = j["first_failing_layer"].is_null();
  json ladder = json::array();
  json top;
  if (always_ladder || !base_holds) {
    for (const auto& name : otv::split(o.ladder, ',')) {
      json r = run_in(otv::cli::parse_scalar(otv::trim(name)));
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
    const unsigned bits = o.certify_bits ? o.certify_bits
                                         : static_cast<unsigned>(std::min<long long>(otv::cli::kMaxBits, 128 + 2 * o.run.layers));
    json c = with_scalar({otv::cli::ScalarSpec::Kind::mpfi, bits},
                         [&]<class Real>() { return otv::cli::theorem1_command<Real>(o.run, inst); });
    j["certificate"] = c["certificate"];
  }
  return j;
}

// The Sinkhorn reference w*, q* on a precision ladder: mpfr at 128 bits, doubled
// until two rungs agree in the Hilbert metric to kReferenceAgreement.
constexpr double kReferenceAgreement = 1e-25;

json reference_scaling(const otv::cli::RunOptions& run, const otv::InstanceText& inst, json& ladder) {
  json previous;
  for (unsigned bits = 128; bits <= 512; bits *= 2) {
    json ref = otv::cli::with_scalar({otv::cli::ScalarSpec::Kind::mpfr, bits},
                                     [&]<class Real>() { return otv::cli::optimal_scaling_command<Real>(run, inst); });
    json rung = {{"scalar", ref["scalar"]}, {"iterations", ref["iterations"]}, {"converged", ref["converged"]}, {"change", nullptr}};
    if (!previous.is_null()) {
      const double change = otv::cli::with_scalar({otv::cli::ScalarSpec::Kind::mpfr, 2 * bits}, [&]<class Real>() {
        auto vec = [](const json& a) {
          otv::Vector<Real> v(static_cast<Eigen::Index>(a.size()));
          for (std::size_t i = 0; i < a.size(); ++i) v(static_cast<Eigen::Index>(i)) = otv::parse_finite<Real>(a[i].get<std::string>());
          return v;
        };
        const Real dw = otv::hilbert_distance_log<Real>(vec(ref["log_w"]), vec(previous["log_w"]));
        const Real dq = otv::hilbert_distance_log<Real>(vec(ref["log_q"]), vec(previous["log_q"]));
        return otv::ScalarTraits<Real>::to_double(otv::max_of<Real>(dw, dq));
      });
      rung["change"] = change;
      ladder.push_back(rung);
      if (change < kReferenceAgreement && ref["converged"].get<bool>()) return ref;
    } else {
      ladder.push_back(rung);
    }
    previous = ref;
  }
  return previous;  // the ladder did not settle: reported as such
}

// Least squares fit of log(measured) = a log(l) + b log(n) + c with standard errors.
json fit_rates(const std::vector<std::array<double, 3>>& points) {
  Eigen::MatrixXd X(points.size(), 3);
  Eigen::VectorXd y(points.size());
  for (std::size_t k = 0; k < points.size(); ++k) {
    X(k, 0) = std::log(points[k][0]);
    X(k, 1) = std::log(points[k][1]);
    X(k, 2) = 1;
    y(k) = std::log(points[k][2]);
  }
  const Eigen::MatrixXd XtX = X.transpose() * X;
  const Eigen::VectorXd beta = XtX.ldlt().solve(X.transpose() * y);
  const Eigen::VectorXd res = y - X * beta;
  const double dof = std::max<double>(1, static_cast<double>(points.size()) - 3);
  const double sigma2 = res.squaredNorm() / dof;
  const Eigen::MatrixXd cov = sigma2 * XtX.inverse();
  return {{"exponent_l", beta(0)}, {"exponent_l_stderr", std::sqrt(cov(0, 0))}, {"exponent_n", beta(1)},
          {"exponent_n_stderr", std::sqrt(cov(1, 1))}, {"points", points.size()}};
}

void print_theorem2_text(const json& j) {
  fmt::print("Theorem 2 ({} variant, {}): n = {}, lambda = {}, gamma = {}, l = {}\n", text_of(j["variant"]), text_of(j["scalar"]),
             text_of(j["n"]), text_of(j["lambda"]), text_of(j["gamma"]), text_of(j["layers"]));
  fmt::print("r = {:.6g} (most favourable scaling), eta = {:.6g}, log phi = {:.6g}\n", j["r"].get<double>(), j["eta"].get<double>(),
             j["log_phi"].get<double>());
  fmt::print("bound: 10^{:.4g}; precondition l >= 10^{:.4g}: {}\n", j["log10_bound"].get<double>(),
             j["log10_min_layers_for_precondition"].get<double>(), j["precondition_holds"].get<bool>() ? "holds" : "does not hold");
  fmt::print("measured min_k<=l max(mu(q,q*), mu(w,w*)) = {:.6e} at k = {}\n", j["measured"].get<double>(), text_of(j["argmin_layer"]));
  fmt::print("bound holds: {}; log10(bound / measured) = {:.4g}\n", j["bound_holds"].get<bool>() ? "yes" : "NO",
             j["log10_tightness"].get<double>());
  fmt::print("A^(k) = diag(w) Q diag(q): max residual {:.3e}\n", j["max_factorization_residual"].get<double>());
  for (const auto& r : j["rank"]) fmt::print("  effective rank of A^({}) = {:.4f}\n", r["layer"].get<long long>(), r["effective_rank"].get<double>());
  fmt::print("reference w*, q*:");
  for (const auto& r : j["reference_ladder"])
    fmt::print(" {} ({} iterations{}{})", text_of(r["scalar"]), text_of(r["iterations"]), r["converged"].get<bool>() ? "" : ", NOT converged",
               r["change"].is_null() ? "" : fmt::format(", change {:.1e}", r["change"].get<double>()));
  fmt::print("\n");
  if (j.contains("rates")) {
    const auto& f = j["rates"];
    fmt::print("rate fit: measured ~ l^{:.3f}(+-{:.3f}) n^{:.3f}(+-{:.3f}); paper n^1.5 l^-0.5, talk n^0.5 l^-0.5\n", f["exponent_l"].get<double>(),
               f["exponent_l_stderr"].get<double>(), f["exponent_n"].get<double>(), f["exponent_n_stderr"].get<double>());
    fmt::print("{}\n", text_of(f["conclusion"]));
  }
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
      fmt::print("certified counterexample (mpfi:{}): layer {}, row {}: column {} vs GD {}\n", text_of(c["bits"]),
                 text_of(c["counterexample"]["layer"]), text_of(c["counterexample"]["row"]),
                 text_of(c["counterexample"]["column_enclosure"]), text_of(c["counterexample"]["gd_enclosure"]));
    else
      fmt::print("certificate (mpfi:{}): |difference| <= {} over {} layers (informative through layer {})\n", text_of(c["bits"]),
                 text_of(c["max_abs_difference_bound"]), text_of(c["layers"]), text_of(c["informative_through_layer"]));
  }
  fmt::print("verdict: {}\n", text_of(j["verdict"]));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"otverify: does a transformer with hand-built weights solve entropic optimal transport?"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("otverify ") + OTV_VERSION);

  otv::cli::RunOptions run;
  ModelChoice run_choice;
  auto* run_cmd = app.add_subcommand("run", "run the constructed transformer on one instance and read out the transport");
  add_model_options(run_cmd, run, run_choice);
  run_cmd->footer("Example: otverify run --x 0.5,0.75,0.25,0 --y 0,0.25,0.5,0.75 --scalar mpfr:256 --layers 2000");

  otv::cli::Theorem1Options t1;
  ModelChoice t1_choice;
  auto* t1_cmd = app.add_subcommand("theorem1", "decide Theorem 1: do the u, v columns equal the adaptive-GD iterates at every layer?");
  add_model_options(t1_cmd, t1.run, t1_choice);
  t1_cmd->add_option("--trials", t1.trials, "random uniform instances to try (n uniform in [1, --max-n]); 0: the given instance");
  t1_cmd->add_option("--max-n", t1.max_n, "largest n for --trials (default 8)");
  t1_cmd->add_option("--ladder", t1.ladder, "precision ladder (default double,mpfr:128,mpfr:256,mpfr:512)");
  t1_cmd->add_flag("--certify", t1.certify, "also run both computations in mpfi interval arithmetic");
  t1_cmd->add_option("--certify-bits", t1.certify_bits, "mpfi precision for --certify (default 128 + 2 x layers)");
  t1_cmd->add_option("--replay", t1.replay, "rerun one case, e.g. 'generator=uniform,n=3,d=1,seed=7,lambda=0.01,gamma=0.01,layers=5,variant=paper'");
  t1_cmd->footer("Example: otverify theorem1 --variant paper --layers 50 --certify");

  otv::cli::RunOptions t2;
  ModelChoice t2_choice;
  bool t2_rates = false;
  t2.lambda = "0.5";  // the precondition is out of reach at the paper's 0.005 (docs/findings.md F5)
  t2.gamma = "0.5";
  t2.layers = 200;
  auto* t2_cmd = app.add_subcommand("theorem2", "Theorem 2: distance of A^(k) to P_lambda* in the Hilbert metric against the stated bound");
  add_model_options(t2_cmd, t2, t2_choice);
  t2_cmd->add_flag("--rates", t2_rates, "fit the exponents of the measured distance in l and n over a grid (paper instances)");
  t2_cmd->footer("Example: otverify theorem2 --generator paper --n 4 --lambda 0.5 --gamma 0.5 --layers 400 --rates");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "otverify: error: " << e.what() << "\n";
    return kExitBadInput;
  }

  try {
    if (run_cmd->parsed()) {
      const auto spec = resolve(run, run_choice);
      run.validate();
      const json j = otv::cli::with_scalar(spec, [&]<class Real>() { return otv::cli::run_command<Real>(run); });
      if (run_choice.json) std::cout << j.dump(2) << "\n";
      else print_run_text(j);
    }
    if (t2_cmd->parsed()) {
      const auto spec = resolve(t2, t2_choice);
      if (t2.layers < 1) throw otv::InputError("theorem2 needs --layers >= 1");
      t2.validate();
      auto analyse = [&](const otv::InstanceText& inst) {
        json ladder = json::array();
        const json ref = reference_scaling(t2, inst, ladder);
        json j = otv::cli::with_scalar(spec, [&]<class Real>() { return otv::cli::theorem2_command<Real>(t2, inst, ref); });
        j["reference_ladder"] = ladder;
        j["reference_converged"] = ref["converged"];
        return j;
      };
      json j = analyse(t2.text);
      if (t2_rates) {
        // Grid: paper instances n in {2, 4, 8}, seeds 1..3, one run of l_max layers
        // each; the measured distance at l is the running minimum up to l.
        std::vector<std::array<double, 3>> points;
        const long long l_max = t2.layers;
        for (long long n : {2, 4, 8})
          for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            const json r = analyse(otv::paper_instance(static_cast<std::size_t>(n), seed));
            double running = std::numeric_limits<double>::infinity();
            for (const auto& e : r["per_layer"]) {
              running = std::min(running, e["distance"].get<double>());
              const long long l = e["layer"].get<long long>();
              // Points at the rounding floor (within 1e3 u of 0) measure rounding, not the rate.
              if (l >= 8 && (l & (l - 1)) == 0 && l <= l_max && running > 1e3 * r["unit_roundoff"].get<double>())
                points.push_back({double(l), double(n), running});
            }
          }
        if (points.size() < 4) throw otv::InputError("--rates needs --layers >= 32 for a fit");
        json f = fit_rates(points);
        const double bn = f["exponent_n"].get<double>(), sn = f["exponent_n_stderr"].get<double>();
        const double bl = f["exponent_l"].get<double>();
        std::string conclusion = fmt::format(
            "In l the measured distance falls as l^{:.2f}, {} than the l^-0.5 of both statements (an upper bound, so this contradicts neither). ",
            bl, bl < -0.5 ? "faster" : "slower");
        // The bounds' other factors (r, eta) vary with the instance too, so an
        // exponent is evidence about the n-dependence, not a counterexample.
        if (bn - 2 * sn > 1.5) conclusion += "In n it grows faster than n^1.5 (2 standard errors): inconsistent with both n-dependences.";
        else if (bn - 2 * sn > 0.5) conclusion += "In n it grows faster than n^0.5 (2 standard errors): inconsistent with the talk's sqrt(n), consistent with the paper's n^1.5.";
        else conclusion += "In n it grows no faster than n^0.5 within 2 standard errors: consistent with both.";
        f["conclusion"] = conclusion;
        j["rates"] = f;
      }
      if (t2_choice.json) std::cout << j.dump(2) << "\n";
      else print_theorem2_text(j);
    }
    if (t1_cmd->parsed()) {
      const auto spec = resolve(t1.run, t1_choice);
      t1.validate();
      json j;
      if (t1.trials == 0) {
        j = decide_theorem1(t1, spec, t1.run.text, true);
      } else {
        // Random trials: uniform instances with n drawn from [1, max_n].
        std::mt19937_64 rng(t1.run.instance.seed);
        json trials = json::array();
        json counts = {{"holds", 0}, {"rounding-only", 0}, {"fails", 0}};
        json worst = nullptr, worst_case = nullptr;
        for (long long k = 0; k < t1.trials; ++k) {
          const auto n = static_cast<std::size_t>(1 + rng() % static_cast<std::uint64_t>(t1.max_n));
          const std::uint64_t seed = rng();
          const auto d = static_cast<std::size_t>(t1.run.instance.d);
          json r = decide_theorem1(t1, spec, otv::uniform_instance(n, d, seed), false);
          const std::string verdict = r["verdict"];
          counts[verdict] = counts[verdict].get<int>() + 1;
          const std::string replay = fmt::format("generator=uniform,n={},d={},seed={},lambda={},gamma={},layers={},variant={}", n, d, seed,
                                                 t1.run.lambda, t1.run.gamma, t1.run.layers, otv::to_string(t1.run.variant));
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
      j["variant"] = otv::to_string(t1.run.variant);
      j["layers"] = t1.run.layers;
      if (t1_choice.json) std::cout << j.dump(2) << "\n";
      else print_theorem1_text(j);
    }
  } catch (const otv::InputError& e) {
    std::cerr << "otverify: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "otverify: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return 0;
}
