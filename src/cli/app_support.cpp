#include "cli/app_support.hpp"
#include "study/json_text.hpp"
#include "study/json_number.hpp"

#include <iostream>

#include "otv/block_exp.hpp"
#include "otv/construction_variant.hpp"
#include "otv/scalar_spec.hpp"

namespace otv::cli {

using namespace otv::study;  // the JSON spelling of doubles (study/json_number.hpp)

std::string text_of(const nlohmann::json& v) { return study::text_of(v); }

void add_refused_option(CLI::App* app, const std::string& name, const std::string& use_instead) {
  app->add_option_function<std::string>(name, [name, use_instead](const std::string&) { throw CLI::ValidationError(name, use_instead); })
      ->group("");
}

void add_instance_options(CLI::App* app, InstanceOptions& o) {
  auto* x = app->add_option("--x", o.x, "source points inline: '0.5,0.75' (d = 1) or '0.1 0.2;0.3 0.4' (d = 2)")->type_name("POINTS");
  auto* y = app->add_option("--y", o.y, "target points inline, same syntax as --x")->type_name("POINTS");
  auto* x_file = app->add_option("--x-file", o.x_file, "CSV file of source points, one point per row")->type_name("FILE");
  auto* y_file = app->add_option("--y-file", o.y_file, "CSV file of target points, one point per row")->type_name("FILE");
  app->add_option("--generator", o.generator, "seeded generator: paper (x a permutation of {1/n..1}, y_i = i/n), uniform, gaussian")
      ->type_name("NAME");
  // Options of the generator are refused beside given points (they would be ignored);
  // --seed without --generator too (load_instance), for which it must know it was given.
  auto* n = add_integer(app, "--n", o.n, "number of points for --generator", static_cast<long long>(1), static_cast<long long>(kMaxPoints));
  auto* d = add_integer(app, "--d", o.d, "dimension for --generator (default 1)", static_cast<long long>(1), static_cast<long long>(kMaxDimension));
  auto* seed = add_integer(app, "--seed", o.seed, "seed of --generator's instance (default 1; refused without --generator)", std::uint64_t{0}, kMaxSeed)
                   ->each([&o](const std::string&) { o.seed_given = true; });
  for (auto* generator_option : {n, d, seed})
    generator_option->excludes(x)->excludes(y)->excludes(x_file)->excludes(y_file);
}

void add_model_options(CLI::App* app, RunOptions& run, ModelChoice& m) {
  add_instance_options(app, run.instance);
  app->add_option("--lambda", run.lambda, "entropic regularisation lambda > 0 (default " + run.lambda + ")")->type_name("NUMBER");
  app->add_option("--gamma", run.gamma, "step size gamma > 0 (default " + run.gamma + ")")->type_name("NUMBER");
  add_integer(app, "--layers", run.layers, "number of layers (default " + std::to_string(run.layers) + ")", 0LL, kMaxLayers);
  app->add_option("--variant", m.variant, "construction: paper, notebook, corrected or relu-reset (default paper)")->type_name("NAME");
  app->add_option("--scalar", m.scalar, "scalar type: " + scalar_names_text() + " (default double)")->type_name("TYPE");
  app->add_option("--softmax", m.softmax, "softmax: stable (max-subtracted, default) or naive")->type_name("NAME");
  app->add_flag("--json", m.json, "print one JSON object instead of text");
  add_exp_option(app);
}

void add_exp_option(CLI::App* app) {
  app->add_option_function<std::string>(
         "--exp", [](const std::string& s) { set_exp_method(parse_exp_method(s)); },
         "exp in the softmax for float and double: vector (SLEEF, 1.0 ulp, the same bits on any x86-64; default) or libm (the C library's scalar exp)")
      ->check(CLI::IsMember({"libm", "vector"}))
      ->type_name("NAME");
}

ScalarSpec resolve(RunOptions& run, const ModelChoice& m) {
  run.variant = parse_variant(m.variant);
  run.softmax = parse_softmax(m.softmax);
  return parse_scalar(m.scalar);
}

void emit(const nlohmann::json& j, bool as_json, const std::function<void(const nlohmann::json&)>& print_text) {
  const nlohmann::json named = with_nonfinite_names(j);  // the same spelling in both forms
  if (as_json) std::cout << named.dump(2) << "\n";
  else print_text(named);
}

}  // namespace otv::cli
