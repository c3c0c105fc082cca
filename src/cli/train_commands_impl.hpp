#pragma once
// Definitions of TrainCommands; included only by the generated instantiation units.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <stdexcept>

#include "cli/app_support.hpp"
#include "cli/interrupt.hpp"
#include "study/json_value.hpp"
#include "cli/output_file.hpp"
#include "cli/progress.hpp"
#include "cli/train_commands.hpp"
#include "otv/constructed_model.hpp"
#include "otv/exact_ot.hpp"
#include "otv/training.hpp"

namespace otv::cli {

namespace train_detail {

inline PromptShape shape_of(const TrainSettings& s) {
  return {parse_prompt_kind(s.prompt), s.layout == "notebook" ? Layout::notebook : Layout::paper, 1};
}

template <class Real> TrainableModel<Real> model_of(const ModelFile& f) {
  TrainableModel<Real> m{shape_of(f.settings), parse_finite<Real>(f.settings.mixing), {}, f.settings.setup == "notebook"};
  for (const auto& lw : f.weights) {
    std::vector<HeadWeights<Real>> heads;
    for (const auto& h : lw) heads.push_back({h.Q.cast<Real>(), h.w_v.cast<Real>()});
    m.weights.push_back(std::move(heads));
  }
  return m;
}

template <class Real> LayerWeights<double> weights_of(const TrainableModel<Real>& m) {
  LayerWeights<double> w;
  for (const auto& lw : m.weights) {
    std::vector<HeadWeights<double>> heads;
    for (const auto& h : lw) heads.push_back({h.Q.template cast<double>(), h.w_v.template cast<double>()});
    w.push_back(std::move(heads));
  }
  return w;
}

// Samples of iteration `it`: draw it / resample_every (or the one fixed draw).
template <class Real> std::vector<Sample<Real>> samples_at(const TrainSettings& s, long long it) {
  const auto draw = s.resample_every > 0 ? static_cast<std::uint64_t>(it / s.resample_every) : 0u;
  return draw_samples<Real>(parse_data_setting(s.data), static_cast<int>(s.n), static_cast<int>(s.samples), s.seed, draw, Stream::training,
                           s.setup == "notebook");
}

// Held-out instances for a model trained with s (its u, v convention).
template <class Real> std::vector<Sample<Real>> held_out_for(const TrainSettings& s, long long n, long long count, std::uint64_t seed) {
  return held_out_samples<Real>(static_cast<int>(n), static_cast<int>(count), seed, s.setup == "notebook");
}

inline nlohmann::json score_json(const SortingScore& sc) {
  return {{"mse_sorted", sc.mse_sorted}, {"mse_to_y", sc.mse_to_y}, {"copy_y_baseline", sc.copy_y_baseline},
          {"mean_baseline", sc.mean_baseline}, {"sorts", sc.sorts()}, {"verdict", sc.verdict()}};
}

// Said wherever a result rests on the paper's data.
inline constexpr const char* kPaperDataNote =
    "trained on --data paper: x is a permutation of {1/n..1} and y_i = i/n, so sorted(x) = y for every training sample and a model "
    "can reach a low training loss by copying y; only the held-out check (sorted(x) != y) tells sorting from copying";

// Same training, possibly a different length.
inline bool same_run(const TrainSettings& a, const TrainSettings& b) {
  auto ja = a.to_json(), jb = b.to_json();
  ja.erase("iterations");
  jb.erase("iterations");
  return ja == jb;
}

// P* for y increasing: x_i goes to y_{rank(x_i)} (a permutation matrix).
// (Its transpose is the released notebook's convention: row i -> the token holding
// the i-th smallest x.)
template <class Real> Matrix<Real> p_star(const Sample<Real>& s) {
  const Eigen::Index n = s.instance.n();
  Matrix<Real> P = Matrix<Real>::Zero(n, n);
  const Assignment as = exact_ot<Real>(s.instance);
  for (Eigen::Index i = 0; i < n; ++i) P(i, as[static_cast<std::size_t>(i)]) = 1;
  return P;
}

// Mean over rows of the total-variation distance between rows of A and P*:
// 0 when A = P*, 1 when every row puts its mass elsewhere.
template <class Real> double distance_to(const Matrix<Real>& A, const Matrix<Real>& P) {
  double total = 0;
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < A.cols(); ++j) total += std::abs(ScalarTraits<Real>::to_double(A(i, j) - P(i, j)));
  return total / (2.0 * static_cast<double>(A.rows()));
}

template <class Real> double gradient_norm(const LayerWeights<Real>& g) {
  double s = 0;
  for (const auto* m : gradient_list(g)) s += m->template cast<double>().squaredNorm();
  return std::sqrt(s);
}

// At most 200 points: every stride-th entry and the last.
inline nlohmann::json thinned_curve(const std::vector<std::pair<long long, double>>& curve) {
  nlohmann::json out = nlohmann::json::array();
  if (curve.empty()) return out;
  const std::size_t stride = std::max<std::size_t>(1, (curve.size() - 1 + 198) / 199);
  for (std::size_t k = 0; k + 1 < curve.size(); k += stride) out.push_back({curve[k].first, curve[k].second});
  out.push_back({curve.back().first, curve.back().second});
  return out;
}

inline std::pair<double, double> mean_sd(const std::vector<double>& v) {
  double mean = 0, var = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) var += (x - mean) * (x - mean);
  return {mean, v.size() > 1 ? std::sqrt(var / static_cast<double>(v.size() - 1)) : 0.0};
}

// 95% percentile-bootstrap interval of mean(a) / mean(b), resampling each group's
// seeds with replacement (10^4 resamples, fixed generator: reproducible). With a
// handful of seeds it states the spread; it is not a guarantee.
inline std::vector<double> bootstrap_ratio_ci(const std::vector<double>& a, const std::vector<double>& b) {
  std::mt19937_64 rng(20240601);
  auto resampled_mean = [&](const std::vector<double>& v) {
    double m = 0;
    for (std::size_t k = 0; k < v.size(); ++k) m += v[rng() % v.size()];
    return m / static_cast<double>(v.size());
  };
  std::vector<double> r(10000);
  for (auto& x : r) { const double num = resampled_mean(a); x = num / resampled_mean(b); }
  std::sort(r.begin(), r.end());
  return {r[249], r[9749]};
}

}  // namespace train_detail

template <class Real> int TrainCommands<Real>::train(const TrainRun& r, ModelFile& file) {
  using namespace train_detail;
  const TrainSettings& s = r.settings;
  TrainableModel<Real> model;
  AdamState<Real> adam;
  if (r.resume) {
    file = read_model_file(r.out);
    if (!same_run(file.settings, s)) throw InputError(r.out + " was trained with other settings; --resume continues it unchanged");
    if (s.iterations < file.completed)
      throw InputError(r.out + " has " + std::to_string(file.completed) + " iterations done, more than --iters " + std::to_string(s.iterations));
    model = model_of<Real>(file);
    adam.step = file.adam_step;
    for (const auto& m : file.adam_m) adam.m.push_back(m.cast<Real>());
    for (const auto& v : file.adam_v) adam.v.push_back(v.cast<Real>());
  } else {
    require_writable(r.out, r.force);
    file = ModelFile{};
    model = initial_model<Real>(shape_of(s), static_cast<int>(s.layers), parse_finite<Real>(s.mixing), s.seed);
    model.attention_readout = s.setup == "notebook";
    adam = adam_start<Real>(model.parameters());
  }
  if (file.completed == s.iterations && r.resume && file.settings.iterations == s.iterations) return kExitOk;  // already complete
  file.settings = s;
  file.command = r.command;
  const AdamSettings adam_settings{parse_finite<double>(s.learning_rate)};

  auto save = [&](bool force_write) {
    file.weights = weights_of<Real>(model);
    file.adam_step = adam.step;
    file.adam_m.clear();
    file.adam_v.clear();
    for (const auto& m : adam.m) file.adam_m.push_back(m.template cast<double>());
    for (const auto& v : adam.v) file.adam_v.push_back(v.template cast<double>());
    write_file_atomically(r.out, model_json(file), force_write);
  };

  install_interrupt_handlers();
  Progress progress(r.label, s.iterations);
  progress.advance(file.completed);
  long long draw = -1;
  std::vector<Sample<Real>> samples;
  bool written = r.resume;  // after the first write the file is ours to overwrite
  for (long long it = file.completed; it < s.iterations; ++it) {
    if (interrupted()) {
      progress.finish();
      save(true);
      return kExitInterrupted;
    }
    const long long d = s.resample_every > 0 ? it / s.resample_every : 0;
    if (d != draw) { samples = samples_at<Real>(s, it); draw = d; }
    const Real loss = training_step<Real>(model, adam, adam_settings, samples);
    if (!ScalarTraits<Real>::is_finite(loss))  // a result of the user's --lr / --mixing, not an internal error
      throw InputError("training diverged: the loss is not finite at iteration " + std::to_string(it) + " (try a smaller --lr or --mixing)" +
                       (written ? "; " + r.out + " keeps the last checkpoint" : ""));
    file.loss_curve.emplace_back(it, ScalarTraits<Real>::to_double(loss));
    file.completed = it + 1;
    progress.advance();
    if (r.checkpoint_every > 0 && file.completed % r.checkpoint_every == 0 && file.completed < s.iterations) {
      save(written || r.force);
      written = true;
    }
  }
  progress.finish();
  if (samples.empty()) samples = samples_at<Real>(s, std::max(0LL, s.iterations - 1));
  file.final_loss = ScalarTraits<Real>::to_double(loss_and_gradient<Real>(model, samples, nullptr));
  save(written || r.force);
  return kExitOk;
}

template <class Real> nlohmann::json TrainCommands<Real>::eval(const ModelFile& f, long long n, long long count, std::uint64_t seed) {
  using namespace train_detail;
  const TrainableModel<Real> model = model_of<Real>(f);
  const auto samples = held_out_for<Real>(f.settings, n, count, seed);
  double sq = 0, worst = 0, mean_worst = 0;
  std::vector<Vector<Real>> predictions;
  for (const auto& s : samples) {
    predictions.push_back(predict<Real>(model, s));
    double sample_worst = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double e = ScalarTraits<Real>::to_double(predictions.back()(i) - s.sorted_x(i));
      sq += e * e;
      sample_worst = std::max(sample_worst, std::abs(e));
    }
    worst = std::max(worst, sample_worst);
    mean_worst += sample_worst / static_cast<double>(count);
  }
  nlohmann::json j;
  j["model"] = f.settings.to_json();
  j["completed"] = f.completed;
  j["n"] = n;
  j["samples"] = count;
  j["seed"] = seed;
  j["scalar"] = ScalarTraits<Real>::name();
  j["kernels"] = kernel_provenance();
  j["held_out"] = "grid data on the held-out stream: x distinct values of {0, 1/50, .., 49/50}, y_i = i/n, sorted(x) != y on every instance";
  if (f.settings.data == "paper") j["training_data_note"] = kPaperDataNote;
  j["readout"] = {{"mse", sq / static_cast<double>(count * n)}, {"max_abs_error", worst}, {"mean_max_abs_error", mean_worst}};
  j["sorting"] = score_json(score_sorting<Real>(predictions, samples));
  const Sample<Real>& s = samples.front();
  const Matrix<Real> P = p_star<Real>(s);
  j["instance"] = {{"x", json_matrix<Real>(s.instance.x)}, {"y", json_matrix<Real>(s.instance.y)},
                   {"prompt", json_matrix<Real>(make_training_prompt<Real>(model.shape, s))}, {"prediction", json_matrix<Real>(Matrix<Real>(predictions.front()))}};
  j["p_star"] = json_matrix<Real>(P);
  const auto patterns = attention_patterns<Real>(model, s);
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t l = 0; l < patterns.size(); ++l)
    layers.push_back({{"layer", l + 1},
                      {"head1", json_matrix<Real>(patterns[l][0])},
                      {"head2", json_matrix<Real>(patterns[l][1])},
                      {"distance_to_p_star", {distance_to<Real>(patterns[l][0], P), distance_to<Real>(patterns[l][1], P)}}});
  j["layers"] = std::move(layers);
  // The notebook's Figure 3: the readout Q on every Z^(l), against P*^T.
  const Matrix<Real> Pt = P.transpose();
  nlohmann::json readout_rows = nlohmann::json::array();
  const auto rp = readout_patterns<Real>(model, s);
  for (std::size_t l = 0; l < rp.size(); ++l) readout_rows.push_back({{"state", l}, {"distance_to_p_star_t", distance_to<Real>(rp[l], Pt)}});
  j["readout_patterns"] = std::move(readout_rows);
  return j;
}

template <class Real> int TrainCommands<Real>::ablation(const AblationOptions& o, nlohmann::json& result) {
  using namespace train_detail;
  require_writable(o.out, o.force);
  std::filesystem::create_directories(o.models_dir);
  std::map<std::string, std::vector<ModelFile>> runs;
  for (const std::string prompt : {"engineered", "plain"})
    for (const auto seed : o.seeds) {
      TrainRun r;
      r.settings = o.base;
      r.settings.prompt = prompt;
      r.settings.seed = seed;
      r.out = (std::filesystem::path(o.models_dir) / (prompt + "-seed" + std::to_string(seed) + ".json")).string();
      r.resume = std::filesystem::exists(r.out);
      r.force = o.force;
      r.checkpoint_every = o.checkpoint_every;
      r.label = prompt + " seed " + std::to_string(seed);
      r.command = "otverify train --n " + std::to_string(r.settings.n) + " --layers " + std::to_string(r.settings.layers) + " --iters " +
                  std::to_string(r.settings.iterations) + " --samples " + std::to_string(r.settings.samples) + " --prompt " + prompt +
                  " --setup " + r.settings.setup + " --data " + r.settings.data + " --seed " + std::to_string(seed) + " --scalar " + r.settings.scalar + " --out " + r.out;
      ModelFile m;
      if (r.resume) {
        m = read_model_file(r.out);
        if (!same_run(m.settings, r.settings) || m.settings.iterations != r.settings.iterations) {
          if (!o.force) throw InputError(r.out + " holds a model trained with other settings; pass --force to retrain it");
          r.resume = false;
        }
      }
      if (!r.resume || m.completed < r.settings.iterations) {
        const int code = train(r, m);
        if (code != kExitOk) return code;
      }
      runs[prompt].push_back(std::move(m));
    }

  nlohmann::json settings = o.base.to_json();
  settings.erase("prompt");
  settings.erase("seed");
  settings["seeds"] = o.seeds;
  settings["figure_seed"] = o.figure_seed;
  settings["models_dir"] = o.models_dir;
  result = nlohmann::json::object();
  result["command"] = o.command;
  result["settings"] = settings;
  std::map<std::string, double> means;
  for (const auto& [prompt, models] : runs) {
    std::vector<double> finals;
    nlohmann::json curves = nlohmann::json::array(), paths = nlohmann::json::array();
    for (const auto& m : models) {
      finals.push_back(m.final_loss);
      curves.push_back(thinned_curve(m.loss_curve));
    }
    const auto [mean, sd] = mean_sd(finals);
    means[prompt] = mean;
    result[prompt] = {{"seeds", o.seeds}, {"final_loss", finals}, {"final_loss_mean", mean}, {"final_loss_sd", sd},
                      {"final_loss_min", *std::min_element(finals.begin(), finals.end())},
                      {"final_loss_max", *std::max_element(finals.begin(), finals.end())}, {"loss_curves", curves}};
  }
  result["ratio"] = means["plain"] / means["engineered"];
  result["ratio_ci95"] = bootstrap_ratio_ci(result["plain"]["final_loss"].template get<std::vector<double>>(),
                                            result["engineered"]["final_loss"].template get<std::vector<double>>());
  if (o.base.data == "paper") result["data_note"] = kPaperDataNote;

  // Figure 3: the engineered model of the first seed on one held-out instance at
  // n = 7 and 9, in two readings. (a) Each residual layer l's own heads A^(l)
  // (eq. 10) against P* (row i: x_i's target) at l = 5, 10, 15, 20. (b) As the
  // released notebook plots it: the readout's Q (last layer, head-1 slot) applied
  // to Z^(l), against P*^T (row i: the token with the i-th smallest x).
  const TrainableModel<Real> eng = model_of<Real>(runs["engineered"].front());
  const TrainableModel<Real> plain = model_of<Real>(runs["plain"].front());
  nlohmann::json fig3 = nlohmann::json::object();
  for (const long long n : {7LL, 9LL}) {
    const auto inst = held_out_for<Real>(o.base, n, 1, o.figure_seed).front();
    const Matrix<Real> P = p_star<Real>(inst), Pt = P.transpose();
    const auto patterns = attention_patterns<Real>(eng, inst);
    const auto readouts = readout_patterns<Real>(eng, inst);
    nlohmann::json layers = nlohmann::json::array(), h1 = nlohmann::json::array(), h2 = nlohmann::json::array(),
                   dist = nlohmann::json::array(), rl = nlohmann::json::array(), rpat = nlohmann::json::array(), rdist = nlohmann::json::array();
    for (int l : {5, 10, 15, 20}) {
      if (l > eng.residual_layers()) continue;
      const auto& p = patterns[static_cast<std::size_t>(l - 1)];
      layers.push_back(l);
      h1.push_back(json_matrix<Real>(p[0]));
      h2.push_back(json_matrix<Real>(p[1]));
      dist.push_back({distance_to<Real>(p[0], P), distance_to<Real>(p[1], P)});
    }
    for (int l : {0, 5, 10, 15, 20}) {
      const int state = std::min(l, eng.residual_layers());
      if (!rl.empty() && rl.back().template get<int>() == state) continue;
      rl.push_back(state);
      rpat.push_back(json_matrix<Real>(readouts[static_cast<std::size_t>(state)]));
      rdist.push_back(distance_to<Real>(readouts[static_cast<std::size_t>(state)], Pt));
    }
    fig3[std::to_string(n)] = {{"x", json_matrix<Real>(inst.instance.x)}, {"layers", layers}, {"patterns", h1},
                               {"patterns_head2", h2}, {"distance_to_p_star", dist}, {"p_star", json_matrix<Real>(P)},
                               {"readout_states", rl}, {"readout_patterns", rpat}, {"readout_distance_to_p_star_t", rdist},
                               {"p_star_t", json_matrix<Real>(Pt)}};
  }
  result["figure3"] = fig3;
  {  // Figure 4: last-layer patterns of both prompts on one held-out instance (n of training).
    const auto inst = held_out_for<Real>(o.base, o.base.n, 1, o.figure_seed).front();
    const Matrix<Real> P = p_star<Real>(inst);
    nlohmann::json f4 = {{"n", o.base.n}, {"x", json_matrix<Real>(inst.instance.x)}, {"p_star", json_matrix<Real>(P)}};
    for (const auto* m : {&eng, &plain}) {
      const auto last = attention_patterns<Real>(*m, inst).back();
      f4[to_string(m->shape.kind)] = {{"head1", json_matrix<Real>(last[0])}, {"head2", json_matrix<Real>(last[1])},
                                      {"distance_to_p_star", {distance_to<Real>(last[0], P), distance_to<Real>(last[1], P)}}};
    }
    result["figure4"] = f4;
  }

  // Generalisation (Sec. 6: trained at n = 7, evaluated at other n): every model on
  // 100 held-out instances per n (sorted(x) != y, seed figure_seed), mse against
  // sorted x beside the copy-y and mean-of-x baselines, the sorting verdict, and
  // the ratio plain / engineered of the held-out mse with its bootstrap interval.
  nlohmann::json gen = nlohmann::json::object(), held_ratio = nlohmann::json::object();
  for (const long long n : {o.base.n, 9LL, 15LL}) {
    std::map<std::string, std::vector<double>> mse_by_prompt;
    for (const auto& [prompt, models] : runs) {
      std::vector<double> mse, to_y, copy, mean;
      nlohmann::json verdicts = nlohmann::json::array();
      for (const auto& m : models) {
        const auto samples = held_out_for<Real>(m.settings, n, 100, o.figure_seed);
        const SortingScore sc = score_sorting<Real>(model_of<Real>(m), samples);
        mse.push_back(sc.mse_sorted);
        to_y.push_back(sc.mse_to_y);
        copy.push_back(sc.copy_y_baseline);
        mean.push_back(sc.mean_baseline);
        verdicts.push_back(sc.verdict());
      }
      const auto [mm, msd] = mean_sd(mse);
      gen[prompt][std::to_string(n)] = {{"mse", mse}, {"mse_mean", mm}, {"mse_sd", msd}, {"mse_to_y", to_y},
                                        {"mse_to_y_mean", mean_sd(to_y).first}, {"copy_y_baseline", mean_sd(copy).first},
                                        {"mean_baseline", mean_sd(mean).first}, {"verdicts", verdicts}};
      mse_by_prompt[prompt] = mse;
    }
    const double r = mean_sd(mse_by_prompt["plain"]).first / mean_sd(mse_by_prompt["engineered"]).first;
    held_ratio[std::to_string(n)] = {{"ratio", r}, {"ci95", bootstrap_ratio_ci(mse_by_prompt["plain"], mse_by_prompt["engineered"])},
                                     {"plain_wins", r < 1}};
  }
  result["generalisation"] = gen;
  result["held_out_ratio"] = held_ratio;

  // The constructed weights (eq. 8) on the training data of the first seed.
  TrainSettings es = o.base;
  es.prompt = "engineered";
  es.seed = o.seeds.front();
  const auto data = samples_at<Real>(es, 0);
  const Real lambda = parse_finite<Real>(o.construct_lambda);
  nlohmann::json by_gamma = nlohmann::json::object();
  double best = 0;
  std::string best_gamma;
  for (const auto& g : o.construct_gammas) {
    const auto con = constructed_model<Real>(eng.shape, eng.layers(), eng.mixing, lambda, parse_finite<Real>(g), static_cast<int>(o.base.n),
                                             eng.attention_readout);
    const double loss = ScalarTraits<Real>::to_double(loss_and_gradient<Real>(con, data, nullptr));
    by_gamma[g] = std::isfinite(loss) ? nlohmann::json(loss) : nlohmann::json(nullptr);
    if (std::isfinite(loss) && (best_gamma.empty() || loss < best)) { best = loss; best_gamma = g; }
  }
  nlohmann::json constructed = {{"lambda", o.construct_lambda}, {"loss_by_gamma", by_gamma},
                                {"readout", eng.attention_readout ? "attention: eq. (8)'s head-2 Q in the readout slot, A x with the sink masked"
                                                                  : "output column: the last layer's head 2 writes (n + 1) A x (n = the training n)"}};
  if (!best_gamma.empty()) {
    auto con = constructed_model<Real>(eng.shape, eng.layers(), eng.mixing, lambda, parse_finite<Real>(best_gamma), static_cast<int>(o.base.n),
                                       eng.attention_readout);
    auto grad = zeros_like(con.weights);
    loss_and_gradient<Real>(con, data, &grad);
    const QDistance qd = q_distance<Real>(eng, con);
    // A descent step from the construction: the largest eta = 2^-k (k <= 60) with
    // L(theta - eta grad) < L(theta). If there is one, the construction is not a
    // local minimiser of the training loss (its gradient is not zero).
    nlohmann::json descent = nullptr;
    for (int k = 0; k <= 60 && descent.is_null(); ++k) {
      auto moved = con;
      const Real eta = ldexp(Real(1), -k);
      for (std::size_t l = 0; l < moved.weights.size(); ++l)
        for (std::size_t h = 0; h < 2; ++h) {
          moved.weights[l][h].Q -= eta * grad[l][h].Q;
          moved.weights[l][h].w_v -= eta * grad[l][h].w_v;
        }
      const double moved_loss = ScalarTraits<Real>::to_double(loss_and_gradient<Real>(moved, data, nullptr));
      if (moved_loss < best) descent = {{"step", ScalarTraits<Real>::to_double(eta)}, {"loss", moved_loss}};
    }
    constructed["loss"] = best;
    constructed["gamma"] = best_gamma;
    constructed["gradient_norm"] = gradient_norm<Real>(grad);
    constructed["descent_step"] = descent;
    constructed["trained_loss"] = runs["engineered"].front().final_loss;
    constructed["q_distance"] = qd.relative;
    constructed["q_distance_per_layer"] = qd.per_layer;
    constructed["q_norm_ratio"] = qd.norm_ratio;
    constructed["q_cosine"] = qd.cosine;
    constructed["heads_swapped"] = qd.swapped;
    nlohmann::json held = nlohmann::json::object();  // does the construction sort held-out instances?
    for (const long long n : {o.base.n, 9LL, 15LL})
      held[std::to_string(n)] = score_json(score_sorting<Real>(con, held_out_for<Real>(o.base, n, 100, o.figure_seed)));
    constructed["held_out"] = held;
  } else {
    constructed["loss"] = nullptr;
    constructed["q_distance"] =
        q_distance<Real>(eng, constructed_model<Real>(eng.shape, eng.layers(), eng.mixing, lambda, Real(1), static_cast<int>(o.base.n), eng.attention_readout))
            .relative;
  }
  result["constructed"] = constructed;
  write_file_atomically(o.out, result.dump(1) + "\n", o.force);
  return kExitOk;
}

}  // namespace otv::cli
