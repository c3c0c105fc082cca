// otverify run: the constructed transformer on one instance, read out.
#include <fmt/format.h>

#include <algorithm>

#include "cli/app_support.hpp"
#include "cli/number_text.hpp"
#include "cli/progress.hpp"
#include "cli/resource_guard.hpp"
#include "otv/scalar_registry.hpp"
#include "study/forward_run.hpp"

namespace otv::cli {
namespace {

using nlohmann::json;

// The inputs as the user gave them (lambda 0.005, not its nearest value in the
// type); the results to `digits` significant digits.
void print_run_text(const json& j, const RunOptions& o, Digits digits) {
  const auto num = [digits](const json& v) { return number_text(v, digits); };
  fmt::print("otverify run: {} variant, {} ({} bits), n = {}, d = {}, lambda = {}, gamma = {}, {} layers\n",
             text_of(j["variant"]), text_of(j["scalar"]), text_of(j["precision_bits"]), text_of(j["n"]), text_of(j["d"]),
             o.lambda, o.gamma, text_of(j["layers"]));
  auto print_points = [&](const char* label, const json& pts) {
    fmt::print("{:<9}", label);
    for (const auto& p : pts) fmt::print(" {}", num(p));
    fmt::print("\n");
  };
  print_points("readout", j["readout"]);
  print_points("sorted", j["sorted"]);
  fmt::print("max |readout - sorted| = {}\n", num(j["readout_max_error"]));
  fmt::print("marginal error of the head-1 plan: rows {}, cols {}\n", num(j["marginal_error"]["rows"]), num(j["marginal_error"]["cols"]));
  fmt::print("sink row: u = {}, v = {}\n", num(j["sink"]["u"]), num(j["sink"]["v"]));
  if (j["n"].get<long long>() <= 16) {
    fmt::print("head-1 attention pattern A^(L) (data block, eq. 10):\n");
    for (const auto& row : j["attention_last"]) {
      for (const auto& a : row) fmt::print(" {:>10.3e}", std::stod(text_of(a).substr(text_of(a)[0] == '[' ? 1 : 0)));
      fmt::print("\n");
    }
  }
  const auto& b = j["breakdown"];
  if (b["nonfinite_entries"].get<std::size_t>() > 0)
    fmt::print("BREAKDOWN: {} non-finite values in the output; {}\n", text_of(b["nonfinite_entries"]),
               b["first_nonfinite_layer"].is_null() ? std::string("the state Z stays finite (the attention patterns or the readout are not)")
                                                    : "first non-finite layer " + text_of(b["first_nonfinite_layer"]));
}

}  // namespace

void register_run(CLI::App& app, Registry& r) {
  auto run = std::make_shared<RunOptions>();
  auto choice = std::make_shared<ModelChoice>();
  auto* cmd = app.add_subcommand("run", "run the constructed transformer on one instance and read out the transport");
  add_model_options(cmd, *run, *choice);
  auto patterns_at = std::make_shared<std::string>();
  cmd->add_option("--patterns-at", *patterns_at,
                  "comma list of layers k in [0, layers]: report A^(k) (head 1, data block) and P_lambda*, P* (as in the paper's Figures 1-2);\n"
                  "P_lambda* is certified in the Hilbert metric (p_lambda_star_reference, docs/error-model.md E8)")->type_name("LIST");
  auto digits = std::make_shared<std::string>("6");
  cmd->add_option("--digits", *digits, "significant digits of the results in text: a count (default 6) or 'all' (every digit the JSON holds; "
                                       "--json always keeps every digit)")->type_name("INT|all");
  cmd->footer("Example: otverify run --x 0.5,0.75,0.25,0 --y 0,0.25,0.5,0.75 --scalar mpfr:256 --layers 2000\n"
              "         otverify run --generator paper --n 8 --layers 600 --patterns-at 1,300,600 --json");
  r.push_back({cmd, [run, choice, patterns_at, digits] {
    const auto spec = resolve(*run, *choice);
    const Digits shown = parse_digits(*digits);
    run->patterns_at = parse_layer_list(*patterns_at);
    run->validate();
    require_memory(spec, {run->text.n(), run->text.d()}, "otverify run");
    Progress progress(fmt::format("run ({})", study::scalar_name(spec)), run->layers);  // mpfr:1000000 takes minutes
    const json j = study::to_json(study::run_construction({.instance = run->text, .lambda = run->lambda, .gamma = run->gamma, .layers = run->layers,
                                            .variant = run->variant, .softmax = run->softmax, .scalar = spec,
                                            .patterns_at = run->patterns_at, .p_lambda_star = std::nullopt,
                                            .after_layer = [&](long long) { progress.advance(); }}));
    progress.finish();
    emit(j, choice->json, [&](const json& named) { print_run_text(named, *run, shown); });
    return kExitOk;
  }});
}

}  // namespace otv::cli
