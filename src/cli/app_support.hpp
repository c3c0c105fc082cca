#pragma once
// What the otverify subcommands share: option registration, exit codes, and the
// registry through which each subcommand (src/cli/cmd_*.cpp) joins the CLI.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace otv::cli {

// Exit codes (README): 0 ok, 1 a checked claim failed under --strict, 2 bad input,
// 3 interrupted, 4 internal error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitClaimFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInterrupted = 3;
inline constexpr int kExitInternal = 4;

// A registered subcommand: its CLI11 node and the action run after parsing.
struct Subcommand {
  CLI::App* app;
  std::function<int()> run;
};
using Registry = std::vector<Subcommand>;

// One function per subcommand file; main() calls them all.
void register_run(CLI::App& app, Registry& r);
void register_theorem1(CLI::App& app, Registry& r);
void register_theorem2(CLI::App& app, Registry& r);
void register_breakdown(CLI::App& app, Registry& r);
void register_merge(CLI::App& app, Registry& r);
void register_train(CLI::App& app, Registry& r);  // train, eval, ablation
void register_report(CLI::App& app, Registry& r);

// A JSON value as text: strings unquoted, everything else dumped.
std::string text_of(const nlohmann::json& v);

// The options every model-running subcommand shares, kept as text until parsed.
struct ModelChoice {
  std::string scalar = "double", variant = "paper", softmax = "stable";
  bool json = false;
};

void add_instance_options(CLI::App* app, InstanceOptions& o);
void add_model_options(CLI::App* app, RunOptions& run, ModelChoice& m);
// --exp libm|vector on a command that runs the forward pass (sets otv::set_exp_method).
void add_exp_option(CLI::App* app);
// Which exp and which vector kernels ran: {"exp": "vector", "isa": "avx512"}.
nlohmann::json kernel_provenance();

// Parses the shared choices into run and returns the scalar type.
ScalarSpec resolve(RunOptions& run, const ModelChoice& m);

// Prints j as indented JSON or through the text printer.
void emit(const nlohmann::json& j, bool as_json, const std::function<void(const nlohmann::json&)>& print_text);

}  // namespace otv::cli
