#pragma once
// What the otverify subcommands share: option registration, exit codes, and the
// registry through which each subcommand (src/cli/cmd_*.cpp) joins the CLI.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <functional>
#include <limits>
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
void register_advise(CLI::App& app, Registry& r);
void register_train(CLI::App& app, Registry& r);  // train, eval, ablation
void register_report(CLI::App& app, Registry& r);

// A bound of an integer option as a reader would write it: the limits of the
// 64-bit types as powers of two (2^63 - 1, not 9223372036854775807).
template <class Int> std::string bound_text(Int v) {
  if constexpr (sizeof(Int) == 8) {
    if (v == static_cast<Int>(std::numeric_limits<std::int64_t>::max())) return "2^63 - 1";
    if (std::numeric_limits<Int>::is_signed && v == static_cast<Int>(std::numeric_limits<std::int64_t>::min())) return "-2^63";
    if (!std::numeric_limits<Int>::is_signed && v == std::numeric_limits<Int>::max()) return "2^64 - 1";
  }
  return std::to_string(v);
}

// An integer option's syntax and range, as a CLI11 transform: decimal digits
// only (CLI11 2.1.2 converts with strtoll base 0, so 010 was octal 8 and 0x10
// sixteen; strtoull took -1 as 2^64 - 1), no leading zeros, within [lo, hi].
// Anything else is a parse error: one line, exit 2.
template <class Int>
CLI::Validator integer_in(Int lo = std::numeric_limits<Int>::min(), Int hi = std::numeric_limits<Int>::max()) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        Int value{};
        const char* end = text.data() + text.size();
        const auto r = std::from_chars(text.data(), end, value);
        const std::size_t digits_at = !text.empty() && text[0] == '-' ? 1 : 0;
        const bool leading_zero = text.size() > digits_at + 1 && text[digits_at] == '0';
        if (text.empty() || r.ptr != end || leading_zero || (r.ec != std::errc() && r.ec != std::errc::result_out_of_range))
          return "not a decimal integer: " + excerpt(text);
        if (r.ec == std::errc::result_out_of_range || value < lo || value > hi)
          return excerpt(text) + " is outside [" + bound_text(lo) + ", " + bound_text(hi) + "]";
        return {};
      },
      "", "");
}

// add_option for an integer, with integer_in's checks and the type name INT.
template <class Int>
CLI::Option* add_integer(CLI::App* app, const std::string& name, Int& target, const std::string& help,
                         Int lo = std::numeric_limits<Int>::min(), Int hi = std::numeric_limits<Int>::max()) {
  return app->add_option(name, target, help)->transform(integer_in<Int>(lo, hi))->type_name("INT");
}

// An option name no longer (or never) meaning what a user may expect, refused
// with one line saying what to use: never a silent reinterpretation. Hidden
// from help.
void add_refused_option(CLI::App* app, const std::string& name, const std::string& use_instead);

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
using study::kernel_provenance;

// Parses the shared choices into run and returns the scalar type.
ScalarSpec resolve(RunOptions& run, const ModelChoice& m);

// Prints j as indented JSON or through the text printer.
void emit(const nlohmann::json& j, bool as_json, const std::function<void(const nlohmann::json&)>& print_text);

}  // namespace otv::cli
