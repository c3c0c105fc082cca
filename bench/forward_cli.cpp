// bench_forward: times the generic forward pass on one instance and prints JSON
// (bench/compare runs it next to the NumPy and mpmath references).
// Example: bench_forward --x-file x.csv --y-file y.csv --scalar mpfr:167 --variant notebook --layers 5
#include <fmt/format.h>

#include "cli/app_support.hpp"
#include "otv/scalar_registry.hpp"
#include "forward_timing.hpp"

int main(int argc, char** argv) {
  using namespace otv::cli;
  CLI::App app{"time the generic forward pass on one instance (JSON on stdout)"};
  RunOptions run;
  ModelChoice choice;
  int repeats = 3;
  add_model_options(&app, run, choice);
  app.add_option("--repeats", repeats, "runs of all layers; the best time per layer is reported")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    const otv::ScalarSpec spec = resolve(run, choice);
    run.validate();
    if (run.layers < 1) throw otv::InputError("--layers must be at least 1");
    const auto j = otv::with_scalar(spec, [&]<class Real>() { return ForwardTiming<Real>::run(run, repeats); });
    fmt::print("{}\n", j.dump());
  } catch (const otv::InputError& e) {
    fmt::print(stderr, "bench_forward: {}\n", e.what());
    return kExitBadInput;
  }
  return kExitOk;
}
