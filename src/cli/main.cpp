// otverify: formal-numerics verification of the transformer OT construction.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"otverify: does a transformer with hand-built weights solve entropic optimal transport?"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("otverify ") + OTV_VERSION);

  otv::cli::RunOptions run;
  std::string scalar = "double", variant = "paper", softmax = "stable";
  bool as_json = false;
  auto* run_cmd = app.add_subcommand("run", "run the constructed transformer on one instance and read out the transport");
  add_instance_options(run_cmd, run.instance);
  run_cmd->add_option("--lambda", run.lambda, "entropic regularisation lambda > 0 (default 0.005)");
  run_cmd->add_option("--gamma", run.gamma, "step size gamma > 0 (default 0.01)");
  run_cmd->add_option("--layers", run.layers, "number of layers L >= 0 (default 2000)");
  run_cmd->add_option("--variant", variant, "construction: paper, notebook or corrected (default paper)");
  run_cmd->add_option("--scalar", scalar, "scalar type: float, double, long-double, float128, cpp_bin_float_50, cpp_bin_float_100, mpfr:BITS, mpfi:BITS");
  run_cmd->add_option("--softmax", softmax, "softmax: stable (max-subtracted, default) or naive");
  run_cmd->add_flag("--json", as_json, "print one JSON object instead of text");
  run_cmd->footer("Example: otverify run --x 0.5,0.75,0.25,0 --y 0,0.25,0.5,0.75 --scalar mpfr:256 --layers 2000");

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
      run.variant = otv::parse_variant(variant);
      run.softmax = otv::cli::parse_softmax(softmax);
      const auto spec = otv::cli::parse_scalar(scalar);
      run.validate();
      const json j = otv::cli::with_scalar(spec, [&]<class Real>() { return otv::cli::run_command<Real>(run); });
      if (as_json) std::cout << j.dump(2) << "\n";
      else print_run_text(j);
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
