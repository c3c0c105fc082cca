#include "study/model_file.hpp"

#include <cmath>
#include <limits>

#include "study/json_value.hpp"
#include "otv/error.hpp"
#include "otv/decimal_text.hpp"

namespace otv::study {

using nlohmann::json;

int prompt_width(const TrainSettings& s) { return s.prompt == "engineered" ? 11 : 3; }  // d = 1: 2d + 9 or 2d + 1

void TrainSettings::validate() const {
  auto in_range = [](const char* what, long long v, long long lo, long long hi) {
    if (v < lo || v > hi) throw InputError(std::string(what) + " = " + std::to_string(v) + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  };
  if (prompt != "engineered" && prompt != "plain") throw InputError("unknown prompt " + excerpt(prompt) + " (expected engineered or plain)");
  if (layout != "paper" && layout != "notebook") throw InputError("unknown layout " + excerpt(layout) + " (expected paper or notebook)");
  if (setup != "otverify" && setup != "notebook") throw InputError("unknown setup " + excerpt(setup) + " (expected otverify or notebook)");
  if (data != "grid" && data != "paper") throw InputError("unknown data setting " + excerpt(data) + " (expected grid or paper)");
  if (scalar != "float" && scalar != "double") throw InputError("training runs in float or double (got " + excerpt(scalar) + ")");
  in_range("n", n, 1, data == "grid" ? 50 : kMaxTrainPoints);
  in_range("layers", layers, setup == "notebook" ? 2 : 1, kMaxTrainLayers);  // notebook: L - 1 residual layers and the readout
  in_range("samples", samples, 1, kMaxTrainSamples);
  in_range("resample-every", resample_every, 0, kMaxIterations);
  in_range("iterations", iterations, 0, kMaxIterations);
  // Messages name the options (a model file's settings are theirs).
  if (!is_positive_decimal(learning_rate)) throw InputError("--lr must be a decimal > 0 (got " + excerpt(learning_rate) + ")");
  // Adam runs its step size in double: 1e400 overflows, 1e-400 underflows to 0.
  const double lr = ScalarTraits<double>::parse(learning_rate);
  if (!(lr >= std::numeric_limits<double>::min() && lr <= std::numeric_limits<double>::max()))
    throw InputError("--lr " + excerpt(learning_rate) + " is outside the normal doubles [2.2e-308, 1.8e308]");
  if (!is_positive_decimal(mixing[0] == '-' ? mixing.substr(1) : mixing))
    throw InputError("--mixing must be a nonzero decimal (got " + excerpt(mixing) + ")");
  const bool mixing_finite = scalar == "float" ? ScalarTraits<float>::is_finite(ScalarTraits<float>::parse(mixing))
                                               : ScalarTraits<double>::is_finite(ScalarTraits<double>::parse(mixing));
  if (!mixing_finite) throw InputError("--mixing " + excerpt(mixing) + " is not finite in " + scalar);
}

json TrainSettings::to_json() const {
  return {{"prompt", prompt}, {"setup", setup}, {"layout", layout}, {"data", data}, {"scalar", scalar}, {"n", n}, {"d", 1}, {"layers", layers},
          {"samples", samples}, {"resample_every", resample_every}, {"iterations", iterations}, {"seed", seed},
          {"learning_rate", learning_rate}, {"mixing", mixing}, {"width", prompt_width(*this)}};
}

namespace {

json matrix_json(const Matrix<double>& m) {
  json a = json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    json row = json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(m(i, j));
    a.push_back(std::move(row));
  }
  return a;
}

// Keyed access with one-line errors naming the key.
const json& at(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) throw InputError(std::string("model file: missing key '") + key + "'");
  return j.at(key);
}
std::string get_string(const json& j, const char* key) {
  const json& v = at(j, key);
  if (!v.is_string()) throw InputError(std::string("model file: '") + key + "' must be a string");
  return v.get<std::string>();
}
long long get_integer(const json& j, const char* key) {
  const json& v = at(j, key);
  if (!v.is_number_integer()) throw InputError(std::string("model file: '") + key + "' must be an integer");
  return v.get<long long>();
}
double finite_number(const json& v, const char* what) {
  if (!v.is_number()) throw InputError(std::string("model file: ") + what + " must be a number");
  const double d = v.get<double>();
  if (!std::isfinite(d)) throw InputError(std::string("model file: ") + what + " is not finite");
  return d;
}
Matrix<double> matrix_of(const json& a, int width, const char* what) {
  if (!a.is_array() || a.size() != static_cast<std::size_t>(width))
    throw InputError(std::string("model file: ") + what + " must have " + std::to_string(width) + " rows");
  Matrix<double> m(width, width);
  for (int i = 0; i < width; ++i) {
    const json& row = a[static_cast<std::size_t>(i)];
    if (!row.is_array() || row.size() != static_cast<std::size_t>(width))
      throw InputError(std::string("model file: ") + what + " must have " + std::to_string(width) + " columns");
    for (int j = 0; j < width; ++j) m(i, j) = finite_number(row[static_cast<std::size_t>(j)], what);
  }
  return m;
}
std::vector<Matrix<double>> matrix_list(const json& a, std::size_t count, int width, const char* what) {
  if (!a.is_array() || a.size() != count)
    throw InputError(std::string("model file: '") + what + "' must hold " + std::to_string(count) + " matrices");
  std::vector<Matrix<double>> out;
  for (const auto& m : a) out.push_back(matrix_of(m, width, what));
  return out;
}

}  // namespace

std::string model_json(const ModelFile& m) {
  json j;
  j["format"] = kModelFormat;
  j["version"] = kModelFormatVersion;
  j["command"] = m.command;
  j["settings"] = m.settings.to_json();
  j["completed"] = m.completed;
  json layers = json::array();
  for (const auto& lw : m.weights) {
    json heads = json::array();
    for (const auto& h : lw) heads.push_back({{"Q", matrix_json(h.Q)}, {"w_v", matrix_json(h.w_v)}});
    layers.push_back(std::move(heads));
  }
  j["weights"] = std::move(layers);
  json am = json::array(), av = json::array();
  for (const auto& x : m.adam_m) am.push_back(matrix_json(x));
  for (const auto& x : m.adam_v) av.push_back(matrix_json(x));
  j["adam"] = {{"step", m.adam_step}, {"m", std::move(am)}, {"v", std::move(av)}};
  json curve = json::array();
  for (const auto& [it, loss] : m.loss_curve) curve.push_back({it, loss});
  j["loss_curve"] = std::move(curve);
  if (m.completed == m.settings.iterations) j["final_loss"] = m.final_loss;
  return with_nonfinite_names(j).dump() + "\n";
}

ModelFile parse_model_json(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw InputError(std::string("model file: not JSON (") + e.what() + ")");
  }
  if (!j.is_object() || !j.contains("format") || !j["format"].is_string() || j["format"].get<std::string>() != kModelFormat)
    throw InputError(std::string("model file: not an otverify trained model (format tag '") + kModelFormat + "' missing)");
  if (get_integer(j, "version") != kModelFormatVersion)
    throw InputError("model file: unsupported version (this otverify reads version " + std::to_string(kModelFormatVersion) + "; retrain older models)");
  ModelFile m;
  const json& s = at(j, "settings");
  m.settings.prompt = get_string(s, "prompt");
  m.settings.setup = get_string(s, "setup");
  m.settings.layout = get_string(s, "layout");
  m.settings.data = get_string(s, "data");
  m.settings.scalar = get_string(s, "scalar");
  m.settings.n = get_integer(s, "n");
  m.settings.layers = get_integer(s, "layers");
  m.settings.samples = get_integer(s, "samples");
  m.settings.resample_every = get_integer(s, "resample_every");
  m.settings.iterations = get_integer(s, "iterations");
  const long long seed = get_integer(s, "seed");
  if (seed < 0) throw InputError("model file: seed must be >= 0");
  m.settings.seed = static_cast<std::uint64_t>(seed);
  m.settings.learning_rate = get_string(s, "learning_rate");
  m.settings.mixing = get_string(s, "mixing");
  m.settings.validate();
  if (get_integer(s, "d") != 1) throw InputError("model file: only d = 1 is trained");
  const int width = prompt_width(m.settings);
  if (get_integer(s, "width") != width) throw InputError("model file: width does not match the prompt");
  if (j.contains("command") && j["command"].is_string()) m.command = j["command"].get<std::string>();
  m.completed = get_integer(j, "completed");
  if (m.completed < 0 || m.completed > m.settings.iterations) throw InputError("model file: 'completed' is outside [0, iterations]");

  const json& w = at(j, "weights");
  if (!w.is_array() || w.size() != static_cast<std::size_t>(m.settings.layers))
    throw InputError("model file: 'weights' must hold " + std::to_string(m.settings.layers) + " layers");
  for (const auto& layer : w) {
    if (!layer.is_array() || layer.size() != 2) throw InputError("model file: every layer must hold two heads");
    std::vector<HeadWeights<double>> heads;
    for (const auto& h : layer) heads.push_back({matrix_of(at(h, "Q"), width, "Q"), matrix_of(at(h, "w_v"), width, "w_v")});
    m.weights.push_back(std::move(heads));
  }
  const json& adam = at(j, "adam");
  m.adam_step = get_integer(adam, "step");
  if (m.adam_step != m.completed) throw InputError("model file: Adam's step count differs from 'completed'");
  const std::size_t count = 4 * static_cast<std::size_t>(m.settings.layers);
  m.adam_m = matrix_list(at(adam, "m"), count, width, "m");
  m.adam_v = matrix_list(at(adam, "v"), count, width, "v");
  for (const auto& v : m.adam_v)
    if ((v.array() < 0).any()) throw InputError("model file: Adam's second moments must be >= 0");

  const json& curve = at(j, "loss_curve");
  if (!curve.is_array() || curve.size() != static_cast<std::size_t>(m.completed))
    throw InputError("model file: 'loss_curve' must hold one entry per completed iteration");
  for (const auto& p : curve) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer()) throw InputError("model file: loss_curve entries are [iteration, loss]");
    m.loss_curve.emplace_back(p[0].get<long long>(), finite_number(p[1], "loss"));
  }
  if (m.completed == m.settings.iterations) m.final_loss = finite_number(at(j, "final_loss"), "final_loss");
  return m;
}

}  // namespace otv::study
