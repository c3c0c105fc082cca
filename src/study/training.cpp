#include "study/training.hpp"

#include "otv/error.hpp"
#include "study/json_number.hpp"

namespace otv::study {

using nlohmann::json;

namespace {

// Training runs in float or double only (TrainSettings::validate says so too).
template <class F> decltype(auto) with_training_scalar(const std::string& scalar, F&& f) {
  if (scalar == "double") return f.template operator()<double>();
  if (scalar == "float") return f.template operator()<float>();
  throw InputError("training runs in float or double (got " + excerpt(scalar) + ")");
}

json score_json(const SortingScore& sc) {
  return {{"mse_sorted", sc.mse_sorted}, {"mse_to_y", sc.mse_to_y}, {"copy_y_baseline", sc.copy_y_baseline},
          {"mean_baseline", sc.mean_baseline}, {"sorts", sc.sorts()}, {"verdict", sc.verdict()}};
}

json curve_json(const LossCurve& curve) {
  json out = json::array();
  for (const auto& [it, loss] : curve) out.push_back({it, loss});
  return out;
}

template <class T> json grids_json(const std::vector<T>& v) {
  json out = json::array();
  for (const auto& g : v) out.push_back(to_json(g));
  return out;
}

json pair_json(const std::pair<double, double>& p) { return {p.first, p.second}; }

json interval_json(const RatioInterval& r) { return {r.lo, r.hi}; }

json patterns_json(const LastLayerPatterns& p) {
  return {{"head1", to_json(p.head1)}, {"head2", to_json(p.head2)}, {"distance_to_p_star", pair_json(p.distance_to_p_star)}};
}

}  // namespace

void apply_setup_defaults(TrainSettings& s, const GivenTrainOptions& given) {
  if (s.mixing == "paper") s.mixing = "0.05";
  else if (s.mixing == "notebook") s.mixing = "-0.1";
  if (s.setup != "notebook") return;
  if (!given.iterations) s.iterations = 5000;
  if (!given.samples) s.samples = 1000;
  if (!given.resample_every) s.resample_every = 50;
  if (!given.learning_rate) s.learning_rate = "0.0005";
  if (!given.mixing) s.mixing = "-0.1";
}

bool same_run(const TrainSettings& a, const TrainSettings& b) {
  auto ja = a.to_json(), jb = b.to_json();
  ja.erase("iterations");
  jb.erase("iterations");
  return ja == jb;
}

json to_json(const Grid& g) {
  json a = json::array();
  for (std::size_t i = 0; i < g.rows; ++i) {
    if (g.cols == 1) { a.push_back(json_number(g(i, 0))); continue; }
    json row = json::array();
    for (std::size_t j = 0; j < g.cols; ++j) row.push_back(json_number(g(i, j)));
    a.push_back(row);
  }
  return a;
}

TrainResult train(const TrainSpec& spec, const TrainCallbacks& callbacks) {
  spec.settings.validate();
  return with_training_scalar(spec.settings.scalar, [&]<class Real>() { return TrainingStudy<Real>::train(spec, callbacks); });
}

EvalResult evaluate(const EvalSpec& spec) {
  const long long n = spec.n == 0 ? spec.model.settings.n : spec.n;
  if (n < 1 || n > kMaxTrainPoints) throw InputError("--n must be in [1, " + std::to_string(kMaxTrainPoints) + "]");
  if (n > 50) throw InputError("--n must be <= 50 (held-out instances are distinct values of the 50-point grid)");
  if (spec.samples < 1 || spec.samples > kMaxTrainSamples) throw InputError("--samples must be in [1, " + std::to_string(kMaxTrainSamples) + "]");
  EvalSpec resolved = spec;
  resolved.n = n;
  return with_training_scalar(spec.model.settings.scalar, [&]<class Real>() { return TrainingStudy<Real>::evaluate(resolved); });
}

void validate_seeds(const std::vector<std::uint64_t>& seeds) {
  if (seeds.empty() || seeds.size() > 100) throw InputError("--seeds must list 1 to 100 seeds");
}

AblationResult ablation(const AblationSpec& spec, const AblationCallbacks& callbacks) {
  spec.base.validate();
  validate_seeds(spec.seeds);
  return with_training_scalar(spec.base.scalar, [&]<class Real>() { return TrainingStudy<Real>::ablation(spec, callbacks); });
}

json to_json(const EvalResult& r) {
  json j;
  j["model"] = r.model.to_json();
  j["completed"] = r.completed;
  j["n"] = r.n;
  j["samples"] = r.samples;
  j["seed"] = r.seed;
  j["scalar"] = r.scalar;
  j["kernels"] = r.kernels;
  j["held_out"] = "grid data on the held-out stream: x distinct values of {0, 1/50, .., 49/50}, y_i = i/n, sorted(x) != y on every instance";
  if (r.model.data == "paper") j["training_data_note"] = kPaperDataNote;
  j["readout"] = {{"mse", r.mse}, {"max_abs_error", r.max_abs_error}, {"mean_max_abs_error", r.mean_max_abs_error}};
  j["sorting"] = score_json(r.sorting);
  j["instance"] = {{"x", to_json(r.x)}, {"y", to_json(r.y)}, {"prompt", to_json(r.prompt)}, {"prediction", to_json(r.prediction)}};
  j["p_star"] = to_json(r.p_star);
  json layers = json::array();
  for (const auto& l : r.layers)
    layers.push_back({{"layer", l.layer}, {"head1", to_json(l.head1)}, {"head2", to_json(l.head2)},
                      {"distance_to_p_star", {l.distance_to_p_star[0], l.distance_to_p_star[1]}}});
  j["layers"] = std::move(layers);
  json readout_rows = json::array();
  for (std::size_t l = 0; l < r.readout_distance_to_p_star_t.size(); ++l)
    readout_rows.push_back({{"state", l}, {"distance_to_p_star_t", r.readout_distance_to_p_star_t[l]}});
  j["readout_patterns"] = std::move(readout_rows);
  return j;
}

json to_json(const AblationResult& r) {
  json settings = r.base.to_json();
  settings.erase("prompt");
  settings.erase("seed");
  settings["seeds"] = r.seeds;
  settings["figure_seed"] = r.figure_seed;
  settings["models_dir"] = r.models_dir;
  json result = json::object();
  result["command"] = r.command;
  result["settings"] = settings;
  for (const auto* p : {&r.engineered, &r.plain}) {
    json curves = json::array();
    for (const auto& c : p->loss_curves) curves.push_back(curve_json(c));
    result[p == &r.engineered ? "engineered" : "plain"] = {
        {"seeds", r.seeds}, {"final_loss", p->final_loss}, {"final_loss_mean", p->final_loss_stats.mean}, {"final_loss_sd", p->final_loss_stats.sd},
        {"final_loss_min", p->final_loss_min}, {"final_loss_max", p->final_loss_max}, {"loss_curves", curves}};
  }
  result["ratio"] = r.ratio;
  result["ratio_ci95"] = interval_json(r.ratio_ci95);
  if (r.base.data == "paper") result["data_note"] = kPaperDataNote;

  json fig3 = json::object();
  for (const auto& [n, f] : r.figure3) {
    json dist = json::array();
    for (const auto& d : f.distance_to_p_star) dist.push_back(pair_json(d));
    fig3[std::to_string(n)] = {{"x", to_json(f.x)}, {"layers", f.layers}, {"patterns", grids_json(f.patterns)},
                               {"patterns_head2", grids_json(f.patterns_head2)}, {"distance_to_p_star", dist}, {"p_star", to_json(f.p_star)},
                               {"readout_states", f.readout_states}, {"readout_patterns", grids_json(f.readout_patterns)},
                               {"readout_distance_to_p_star_t", f.readout_distance_to_p_star_t}, {"p_star_t", to_json(f.p_star_t)}};
  }
  result["figure3"] = fig3;
  result["figure4"] = {{"n", r.figure4.n}, {"x", to_json(r.figure4.x)}, {"p_star", to_json(r.figure4.p_star)},
                       {"engineered", patterns_json(r.figure4.engineered)}, {"plain", patterns_json(r.figure4.plain)}};

  json gen = json::object(), held_ratio = json::object();
  for (const auto& [prompt, per_n] : r.generalisation)
    for (const auto& [n, g] : per_n)
      gen[prompt][std::to_string(n)] = {{"mse", g.mse}, {"mse_mean", g.mse_stats.mean}, {"mse_sd", g.mse_stats.sd}, {"mse_to_y", g.mse_to_y},
                                        {"mse_to_y_mean", g.mse_to_y_mean}, {"copy_y_baseline", g.copy_y_baseline},
                                        {"mean_baseline", g.mean_baseline}, {"verdicts", g.verdicts}};
  for (const auto& [n, h] : r.held_out_ratio)
    held_ratio[std::to_string(n)] = {{"ratio", h.ratio}, {"ci95", interval_json(h.ci95)}, {"plain_wins", h.plain_wins}};
  result["generalisation"] = gen;
  result["held_out_ratio"] = held_ratio;

  const ConstructedComparison& c = r.constructed;
  json by_gamma = json::object();
  for (const auto& [g, loss] : c.loss_by_gamma) by_gamma[g] = loss ? json(*loss) : json(nullptr);
  json constructed = {{"lambda", c.lambda}, {"loss_by_gamma", by_gamma}, {"readout", c.readout}};
  if (c.gamma) {
    constructed["loss"] = c.loss;
    constructed["gamma"] = *c.gamma;
    constructed["gradient_norm"] = c.gradient_norm;
    constructed["descent_step"] = c.descent_step ? json{{"step", c.descent_step->step}, {"loss", c.descent_step->loss}} : json(nullptr);
    constructed["trained_loss"] = c.trained_loss;
    constructed["q_distance"] = c.q.relative;
    constructed["q_distance_per_layer"] = c.q.per_layer;
    constructed["q_norm_ratio"] = c.q.norm_ratio;
    constructed["q_cosine"] = c.q.cosine;
    constructed["heads_swapped"] = c.q.swapped;
    json held = json::object();
    for (const auto& [n, sc] : c.held_out) held[std::to_string(n)] = score_json(sc);
    constructed["held_out"] = held;
  } else {
    constructed["loss"] = nullptr;
    constructed["q_distance"] = c.q.relative;
  }
  result["constructed"] = constructed;
  return result;
}

}  // namespace otv::study
