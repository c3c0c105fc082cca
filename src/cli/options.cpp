#include "cli/options.hpp"

#include "cli/input_file.hpp"
#include "otv/decimal_text.hpp"

#include <charconv>
#include <sstream>
#include <limits>

namespace otv::cli {

InstanceText load_instance(const InstanceOptions& o) {
  const bool inline_given = !o.x.empty() || !o.y.empty();
  const bool files_given = !o.x_file.empty() || !o.y_file.empty();
  const bool gen_given = !o.generator.empty();
  if (inline_given + files_given + gen_given > 1)
    throw InputError("give the instance one way: --x/--y, --x-file/--y-file, or --generator");
  if (!gen_given && o.n != 0) throw InputError("--n is used only with --generator");
  if (!gen_given && o.seed_given) throw InputError("--seed is used only with --generator");
  InstanceText inst;
  if (gen_given) {
    if (o.n <= 0) throw InputError("n = " + std::to_string(o.n) + ": --n must be at least 1");
    if (o.n > static_cast<long long>(kMaxPoints)) throw InputError("n = " + std::to_string(o.n) + " exceeds the limit " + std::to_string(kMaxPoints));
    if (o.d <= 0 || o.d > static_cast<long long>(kMaxDimension)) throw InputError("--d must be in [1, " + std::to_string(kMaxDimension) + "]");
    const auto n = static_cast<std::size_t>(o.n), d = static_cast<std::size_t>(o.d);
    if (o.generator == "paper") {
      if (d != 1) throw InputError("the paper generator is one-dimensional (--d 1)");
      inst = paper_instance(n, o.seed);
    } else if (o.generator == "uniform") {
      inst = uniform_instance(n, d, o.seed);
    } else if (o.generator == "gaussian") {
      inst = gaussian_instance(n, d, o.seed);
    } else {
      throw InputError("unknown generator " + excerpt(o.generator) + " (expected paper, uniform or gaussian)");
    }
  } else if (files_given) {
    if (o.x_file.empty() || o.y_file.empty()) throw InputError("give both --x-file and --y-file");
    for (auto [file, points] : {std::pair{&o.x_file, &inst.x}, std::pair{&o.y_file, &inst.y}}) {
      std::istringstream text(read_input_file(*file, "CSV file", kMaxCsvBytes));
      *points = parse_points_csv(text, *file);
    }
  } else if (inline_given) {
    if (o.x.empty() || o.y.empty()) throw InputError("give both --x and --y");
    inst.x = parse_inline_points(o.x, "--x");
    inst.y = parse_inline_points(o.y, "--y");
  } else {
    inst.x = parse_inline_points("0.5,0.75,0.25,0", "--x");
    inst.y = parse_inline_points("0,0.25,0.5,0.75", "--y");
  }
  validate(inst);
  return inst;
}

bool is_positive_decimal(const std::string& s) { return otv::is_positive_decimal(s); }

void RunOptions::validate() {
  study::validate_run_parameters(lambda, gamma, layers, patterns_at);
  text = load_instance(instance);
}

template <class Int> std::vector<Int> parse_integer_list(const std::string& text, const std::string& what, Int lo, Int hi) {
  std::vector<Int> values;
  for (const auto& item : split(text, ',')) {
    const std::string t = trim(item);
    Int v{};
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size() || v < lo || v > hi)
      throw InputError(what + ": " + excerpt(t) + " is not an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    values.push_back(v);
  }
  return values;
}
template std::vector<long long> parse_integer_list(const std::string&, const std::string&, long long, long long);
template std::vector<std::uint64_t> parse_integer_list(const std::string&, const std::string&, std::uint64_t, std::uint64_t);

std::vector<long long> parse_layer_list(const std::string& text) {
  if (trim(text).empty()) return {};
  return parse_integer_list<long long>(text, "layer list", 0, kMaxLayers);
}

void apply_replay(const std::string& replay, Theorem1Options& o) {
  for (const auto& item : split(replay, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw InputError("malformed --replay entry " + excerpt(item) + " (expected key=value)");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    auto integer = [&](long long lo, long long hi) {
      long long v = 0;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), v);
      if (value.empty() || r.ec != std::errc() || r.ptr != value.data() + value.size() || v < lo || v > hi)
        throw InputError("--replay: " + key + " = " + excerpt(value) + " is not an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
      return v;
    };
    if (key == "generator") o.run.instance.generator = value;
    else if (key == "n") o.run.instance.n = integer(1, static_cast<long long>(kMaxPoints));
    else if (key == "d") o.run.instance.d = integer(1, static_cast<long long>(kMaxDimension));
    else if (key == "seed") o.run.instance.seed = static_cast<std::uint64_t>(integer(0, static_cast<long long>(kMaxSeed)));
    else if (key == "lambda") o.run.lambda = value;
    else if (key == "gamma") o.run.gamma = value;
    else if (key == "layers") o.run.layers = integer(0, kMaxLayers);
    else if (key == "variant") o.run.variant = parse_variant(value);
    else throw InputError("--replay: unknown key " + excerpt(key));
  }
}

void Theorem1Options::validate() {
  if (!replay.empty()) apply_replay(replay, *this);
  if (certify_bits != 0 && (certify_bits < kMinBits || certify_bits > kMaxBits))
    throw InputError("--certify-bits must be in [" + std::to_string(kMinBits) + ", " + std::to_string(kMaxBits) + "]");
  for (const auto& name : split(ladder, ',')) parse_scalar(trim(name));
  if (trials > 0) {
    const InstanceOptions& i = run.instance;
    if (!i.x.empty() || !i.y.empty() || !i.x_file.empty() || !i.y_file.empty() || !i.generator.empty() || i.n != 0)
      throw InputError("--trials draws its own instances (uniform, n up to --max-n, dimension --d); drop the given instance");
    // Instances come from the trials (dimension --d, drawn from --seed: draw_trials); with
    // none given, run.validate() checks the rest of run on the paper's example, whose
    // load must not take --seed for its own.
    if (run.instance.d < 1 || run.instance.d > static_cast<long long>(kMaxDimension))
      throw InputError("--d must be in [1, " + std::to_string(kMaxDimension) + "]");
    run.instance.seed_given = false;
  } else if (run.instance.seed_given && run.instance.generator.empty()) {
    throw InputError("--seed is used only with --generator or --trials");
  }
  run.validate();
}

}  // namespace otv::cli
