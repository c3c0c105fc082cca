// otverify theorem1: the transformer's u, v columns against adaptive GD, per layer,
// with a precision ladder, random trials and an interval certificate.
#include <fmt/format.h>

#include "cli/app_support.hpp"
#include "cli/interrupt.hpp"
#include "cli/mpi_world.hpp"
#include "cli/number_text.hpp"
#include "cli/progress.hpp"
#include "cli/resource_guard.hpp"
#include "cli/task_farm.hpp"
#include "study/json_number.hpp"
#include "study/theorem1.hpp"

namespace otv::cli {

using namespace otv::study;  // the Theorem 1 study this command runs
namespace {

using nlohmann::json;

// The study's spec from the options; `after_run` advances progress (none for trials).
Theorem1Spec theorem1_spec(const Theorem1Options& o, const ScalarSpec& base) {
  Theorem1Spec s{.instance = o.run.text, .lambda = o.run.lambda, .gamma = o.run.gamma, .layers = o.run.layers,
                 .variant = o.run.variant, .softmax = o.run.softmax, .scalar = base, .ladder = parse_ladder(o.ladder),
                 .always_ladder = true, .certify = o.certify, .certify_bits = o.certify_bits, .after_run = nullptr, .after_layer = nullptr};
  return s;
}

void print_theorem1_text(const json& j) {
  fmt::print("Theorem 1 ({} variant, {}): transformer u, v columns vs adaptive GD\n", text_of(j["variant"]), text_of(j["scalar"]));
  if (j.contains("trials")) {
    fmt::print("{} random trials: {} hold, {} rounding-only, {} unstable, {} fail\n", j["trials"].size(), j["counts"]["holds"].get<int>(),
               j["counts"]["rounding-only"].get<int>(), j["counts"]["unstable"].get<int>(), j["counts"]["fails"].get<int>());
    if (!j["worst_case"].is_null()) fmt::print("first failing case: otverify theorem1 --replay '{}'\n", text_of(j["worst_case"]));
  }
  // A sink value: a point as %.6e, an interval (mpfi) as its enclosure, rounded outward.
  auto sink_text = [](const json& v) {
    const std::string t = text_of(v);
    return t.starts_with('[') ? number_text(v, Digits{}) : fmt::format("{:.6e}", std::stod(t));
  };
  fmt::print("{:>7} {:>12} {:>12} {:>12}  {:>14} {:>14}\n", "layer", "max|du|", "max|dv|", "tolerance", "sink u", "sink v");
  const auto& pl = j["per_layer"];
  const std::size_t L = pl.size();
  for (std::size_t k = 0; k < L; ++k) {
    const bool show = k < 5 || k + 1 == L || ((k + 1) & k) == 0;  // first layers, powers of 2, last
    if (!show) continue;
    const auto& r = pl[k];
    fmt::print("{:>7} {:>12.3e} {:>12.3e} {:>12.3e}  {:>14} {:>14}\n", r["layer"].get<int>(), number_of(r["max_u_err"]),
               number_of(r["max_v_err"]), number_of(r["tolerance"]), sink_text(j["sink"][k]["u"]), sink_text(j["sink"][k]["v"]));
  }
  fmt::print("first layer beyond the rounding tolerance: {}\n", j["first_failing_layer"].is_null() ? "none" : text_of(j["first_failing_layer"]));
  if (!j["ladder"].empty()) {
    fmt::print("precision ladder (max error over all layers):\n");
    for (const auto& e : j["ladder"])
      fmt::print("  {:<12} u = {:.3e}  max err = {:.6e}  tolerance = {:.3e}\n", text_of(e["scalar"]), number_of(e["unit_roundoff"]),
                 number_of(e["max_err"]), number_of(e["tolerance"]));
    fmt::print("  slope of log(err) vs log(u): {}\n", j["ladder_slope"].is_null() ? "n/a" : fmt::format("{:.3f}", number_of(j["ladder_slope"])));
    if (j.contains("ladder_decision")) {
      const auto& d = j["ladder_decision"];
      auto num = [](const json& v) { return v.is_null() ? std::string("n/a") : fmt::format("{:.4g}", number_of(v)); };
      fmt::print("  depth at which the error reaches {:.3g}:", number_of(d["failure_level"]));
      for (const auto& e : j["ladder"]) fmt::print(" {} {}", text_of(e["scalar"]), e["failure_depth"].is_null() ? "never" : text_of(e["failure_depth"]));
      fmt::print("\n  growth per layer: measured {}, from the depths {} ({} layers per bit); corrected's sink predicts |1 - gamma/(lambda (n+1))| = {}\n",
                 num(d["growth_per_layer"]), num(d["growth_from_depths"]), num(d["layers_per_bit"]), num(d["predicted_growth_corrected_sink"]));
    }
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
  add_integer(cmd, "--trials", t1->trials, "random uniform instances to try (n uniform in [1, --max-n]); 0: the given instance", 0LL, kMaxTrials);
  cmd->get_option("--seed")->description("seed of --generator's instance, or with --trials of the trials' draws (default 1; refused with neither)");
  add_integer(cmd, "--max-n", t1->max_n, "largest n for --trials (default 8)", 1LL, kMaxTrialPoints);
  cmd->add_option("--ladder", t1->ladder,
                  "precision ladder (default double,mpfr:128,mpfr:256,mpfr:512); verdicts: holds, rounding-only (the error shrinks with u), "
                  "unstable (a rounding error growing geometrically: the depth at which it reaches a fixed size rises with the bits), fails")
      ->type_name("LIST");
  cmd->add_flag("--certify", t1->certify, "also run both computations in mpfi interval arithmetic");
  add_integer(cmd, "--certify-bits", t1->certify_bits, "mpfi precision for --certify (default 128 + 2 x layers)");
  cmd->add_option("--replay", t1->replay, "rerun one case, e.g. 'generator=uniform,n=3,d=1,seed=7,lambda=0.01,gamma=0.01,layers=5,variant=paper'")->type_name("CASE");
  auto jobs = std::make_shared<long long>(default_jobs());
  add_integer(cmd, "--jobs", *jobs, "worker processes per rank for --trials (default: the node's cores / its MPI ranks)");
  auto strict = std::make_shared<bool>(false);
  cmd->add_flag("--strict", *strict, "exit with code 1 when the verdict is 'fails' (Theorem 1 does not hold)");
  cmd->footer("Example: otverify theorem1 --variant paper --layers 50 --certify");
  r.push_back({cmd, [t1, choice, strict, jobs] {
    // Every rank checks the same options; one rank's bad input stops them all.
    ScalarSpec spec;
    std::string problem;
    try {
      spec = resolve(t1->run, *choice);
      t1->validate();
      if (*jobs < 1 || *jobs > 256) throw InputError("--jobs must be in [1, 256]");
      if (mpi::size() > 1 && t1->trials == 0) throw InputError("under MPI theorem1 needs --trials (one instance runs in one process)");
      // Every scalar the decision runs in: base, ladder and certificate, one at a time, in
      // each of the node's worker processes.
      const bool trials = t1->trials > 0;
      const MemoryUse use{trials ? static_cast<std::size_t>(t1->max_n) : t1->run.text.n(),
                          trials ? static_cast<std::size_t>(t1->run.instance.d) : t1->run.text.d(), 0, t1->run.layers};
      require_memory(spec, use, "otverify theorem1");
      for (const auto& name : otv::split(t1->ladder, ',')) require_memory(parse_scalar(otv::trim(name)), use, "otverify theorem1 --ladder");
      if (t1->certify) require_memory({ScalarSpec::Kind::mpfi, certify_bits(theorem1_spec(*t1, spec))}, use, "otverify theorem1 --certify");
    } catch (const InputError& e) {
      problem = e.what();
    }
    if (!mpi::all_ok(problem.empty(), &problem)) {
      if (mpi::rank() == 0) throw InputError(problem);
      return kExitBadInput;
    }
    Theorem1Spec study_spec = theorem1_spec(*t1, spec);
    json j;
    if (t1->trials == 0) {
      Progress progress("theorem1 (base, ladder, certificate)", 1 + static_cast<long long>(study_spec.ladder.size()) + (t1->certify ? 1 : 0));
      study_spec.after_run = [&] { progress.advance(); };
      j = to_json(run_theorem1(study_spec));
    } else {
      // Random trials, drawn here in order and decided on the task farm (any order,
      // any rank); the answer is assembled in order.
      const auto d = static_cast<std::size_t>(t1->run.instance.d);
      const TaskRunner decide = [&](const std::string& payload, const std::function<void(const std::string&)>& emit) {
        const json task = json::parse(payload);
        const Theorem1TrialCase c{task.at("n").get<std::size_t>(), task.at("seed").get<std::uint64_t>()};
        const json r = to_json(run_theorem1(trial_spec(study_spec, c, d)));
        emit(with_nonfinite_names(json{{"k", task["k"]}, {"result", r}}).dump());  // null would lose a nan
      };
      if (mpi::rank() != 0) {
        install_interrupt_handlers();
        serve_tasks(*jobs, decide);
        return interrupted() ? kExitInterrupted : kExitOk;
      }
      const std::vector<Theorem1TrialCase> drawn = draw_trials(t1->run.instance.seed, t1->trials, t1->max_n);
      std::vector<Task> tasks;
      for (std::size_t k = 0; k < drawn.size(); ++k)
        tasks.push_back({json{{"k", k}, {"n", drawn[k].n}, {"seed", drawn[k].seed}}.dump(), static_cast<double>(drawn[k].n * drawn[k].n)});
      std::vector<json> results(tasks.size());
      {
        install_interrupt_handlers();
        const FarmSession session;
        Progress progress("theorem1 trials", t1->trials);
        const bool complete = run_tasks(tasks, *jobs, decide, [&](const std::string& line) {
          json t = json::parse(line);
          results[t["k"].get<std::size_t>()] = std::move(t["result"]);
        }, [&] { progress.advance(); });
        if (!complete) {
          std::cerr << "otverify: interrupted; no result (rerun the trials)\n";
          return kExitInterrupted;
        }
      }
      const Theorem1Trials trials = summarise_trial_records(study_spec, d, drawn, results);
      j = results[trials.summary.representative];
      write_json(trials, j);
    }
    emit(j, choice->json, print_theorem1_text);
    return *strict && j["verdict"] == "fails" ? kExitClaimFailed : kExitOk;
  }});
}

}  // namespace otv::cli
