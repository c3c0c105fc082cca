#pragma once
// Options shared by the otverify subcommands, validated before any work.
#include <cstdint>
#include <string>
#include <vector>

#include "otv/construction_variant.hpp"
#include "otv/instance_text.hpp"
#include "otv/softmax_mode.hpp"
#include "study/forward_run.hpp"  // kMaxLayers, validate_run_parameters

namespace otv::cli {

using study::kMaxLayers;

// Seeds are stored as signed 64-bit integers in model and result files.
inline constexpr std::uint64_t kMaxSeed = 9223372036854775807ULL;

// A decimal (is_decimal) that is > 0, decided on the text so it holds in every scalar type.
bool is_positive_decimal(const std::string& s);

struct InstanceOptions {
  std::string x, y;            // inline lists
  std::string x_file, y_file;  // CSV files
  std::string generator;       // paper | uniform | gaussian (empty: inline, files or demo)
  long long n = 0, d = 1;
  std::uint64_t seed = 1;
  bool seed_given = false;  // --seed on the command line: refused where it seeds nothing
};

// The paper's printed example (Sec. 6): [0.5, 0.75, 0.25, 0] against [0, 0.25, 0.5, 0.75].
InstanceText load_instance(const InstanceOptions& o);

struct RunOptions {
  InstanceOptions instance;
  std::string lambda = "0.005", gamma = "0.01";  // Sec. 6 validation settings
  long long layers = 2000;
  Variant variant = Variant::paper;
  Softmax softmax = Softmax::stable;
  InstanceText text;  // filled by validate()
  std::vector<long long> patterns_at;  // run --patterns-at: layers k whose head-1 pattern A^(k) is reported
  void validate();
};

// A comma list of integers, each in [lo, hi]; `what` names the option in errors.
// Instantiated for long long and std::uint64_t (options.cpp).
template <class Int> std::vector<Int> parse_integer_list(const std::string& text, const std::string& what, Int lo, Int hi);

// A comma list of layer indices in [0, kMaxLayers] (e.g. --patterns-at 1,300,600); empty text: none.
std::vector<long long> parse_layer_list(const std::string& text);

// otverify theorem1: RunOptions plus random trials, a precision ladder and an
// interval certificate.
inline constexpr long long kMaxTrials = 100000, kMaxTrialPoints = 4096;  // theorem1 --trials, --max-n
struct Theorem1Options {
  RunOptions run;
  long long trials = 0, max_n = 8;  // trials > 0: random uniform instances, n in [1, max_n]
  std::string ladder = "double,mpfr:128,mpfr:256,mpfr:512";
  bool certify = false;
  unsigned certify_bits = 0;        // 0: chosen from the depth (docs/error-model.md)
  std::string replay;               // "generator=uniform,n=3,d=1,seed=7,lambda=0.01,..."
  void validate();
};

// Applies a --replay case string (key=value pairs separated by commas) to o.
void apply_replay(const std::string& replay, Theorem1Options& o);

}  // namespace otv::cli
