#pragma once
// Definitions of TrainingStudy; included only by the generated instantiation units.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "otv/constructed_model.hpp"
#include "otv/error.hpp"
#include "otv/exact_ot.hpp"
#include "otv/training.hpp"
#include "study/forward_run.hpp"
#include "study/training.hpp"

namespace otv::study {

namespace training_detail {

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

template <class Real> Grid grid_of(const Matrix<Real>& m) {
  Grid g{static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols()), {}};
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) g.values.push_back(ScalarTraits<Real>::to_double(m(i, j)));
  return g;
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

template <class Real> LastLayerPatterns last_layer(const TrainableModel<Real>& m, const Sample<Real>& inst, const Matrix<Real>& P) {
  const auto last = attention_patterns<Real>(m, inst).back();
  return {grid_of<Real>(last[0]), grid_of<Real>(last[1]), {distance_to<Real>(last[0], P), distance_to<Real>(last[1], P)}};
}

}  // namespace training_detail

template <class Real> TrainResult TrainingStudy<Real>::train(const TrainSpec& spec, const TrainCallbacks& cb) {
  using namespace training_detail;
  const TrainSettings& s = spec.settings;
  TrainResult result;
  ModelFile& file = result.model;
  TrainableModel<Real> model;
  AdamState<Real> adam;
  if (spec.resume) {
    file = *spec.resume;
    if (!same_run(file.settings, s)) throw InputError(spec.checkpoint_name + " was trained with other settings; --resume continues it unchanged");
    if (s.iterations < file.completed)
      throw InputError(spec.checkpoint_name + " has " + std::to_string(file.completed) + " iterations done, more than --iters " +
                       std::to_string(s.iterations));
    if (file.completed == s.iterations && file.settings.iterations == s.iterations) return result;  // already complete
    model = model_of<Real>(file);
    adam.step = file.adam_step;
    for (const auto& m : file.adam_m) adam.m.push_back(m.cast<Real>());
    for (const auto& v : file.adam_v) adam.v.push_back(v.cast<Real>());
  } else {
    model = initial_model<Real>(shape_of(s), static_cast<int>(s.layers), parse_finite<Real>(s.mixing), s.seed);
    model.attention_readout = s.setup == "notebook";
    adam = adam_start<Real>(model.parameters());
  }
  file.settings = s;
  file.command = spec.command;
  const AdamSettings adam_settings{parse_finite<double>(s.learning_rate)};

  auto snapshot = [&] {  // the model file of the current state
    file.weights = weights_of<Real>(model);
    file.adam_step = adam.step;
    file.adam_m.clear();
    file.adam_v.clear();
    for (const auto& m : adam.m) file.adam_m.push_back(m.template cast<double>());
    for (const auto& v : adam.v) file.adam_v.push_back(v.template cast<double>());
  };
  auto save = [&](SavePoint at) {
    if (!cb.save) return;
    snapshot();
    cb.save(file, at);
  };

  if (cb.progress) cb.progress(file.completed);
  long long draw = -1;
  std::vector<Sample<Real>> samples;
  bool checkpointed = cb.save && spec.resume;  // a stored model the messages can point to
  for (long long it = file.completed; it < s.iterations; ++it) {
    if (cb.should_stop && cb.should_stop()) {
      snapshot();
      if (cb.save) cb.save(file, SavePoint::interrupted);
      result.stopped = true;
      return result;
    }
    const long long d = s.resample_every > 0 ? it / s.resample_every : 0;
    if (d != draw) { samples = samples_at<Real>(s, it); draw = d; }
    const Real loss = training_step<Real>(model, adam, adam_settings, samples);
    if (!ScalarTraits<Real>::is_finite(loss))  // a result of the user's --lr / --mixing, not an internal error
      throw InputError("training diverged: the loss is not finite at iteration " + std::to_string(it) + " (try a smaller --lr or --mixing)" +
                       (checkpointed ? "; " + spec.checkpoint_name + " keeps the last checkpoint" : ""));
    file.loss_curve.emplace_back(it, ScalarTraits<Real>::to_double(loss));
    file.completed = it + 1;
    if (cb.progress) cb.progress(file.completed);
    if (spec.checkpoint_every > 0 && file.completed % spec.checkpoint_every == 0 && file.completed < s.iterations) {
      save(SavePoint::checkpoint);
      checkpointed = static_cast<bool>(cb.save);
    }
  }
  if (samples.empty()) samples = samples_at<Real>(s, std::max(0LL, s.iterations - 1));
  file.final_loss = ScalarTraits<Real>::to_double(loss_and_gradient<Real>(model, samples, nullptr));
  snapshot();
  if (cb.save) cb.save(file, SavePoint::complete);
  return result;
}

template <class Real> EvalResult TrainingStudy<Real>::evaluate(const EvalSpec& spec) {
  using namespace training_detail;
  const ModelFile& f = spec.model;
  const long long n = spec.n, count = spec.samples;
  const TrainableModel<Real> model = model_of<Real>(f);
  const auto samples = held_out_for<Real>(f.settings, n, count, spec.seed);
  EvalResult r;
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
  r.model = f.settings;
  r.completed = f.completed;
  r.n = n;
  r.samples = count;
  r.seed = spec.seed;
  r.scalar = ScalarTraits<Real>::name();
  r.kernels = kernel_provenance();
  r.mse = sq / static_cast<double>(count * n);
  r.max_abs_error = worst;
  r.mean_max_abs_error = mean_worst;
  r.sorting = score_sorting<Real>(predictions, samples);
  const Sample<Real>& s = samples.front();
  const Matrix<Real> P = p_star<Real>(s);
  r.x = grid_of<Real>(s.instance.x);
  r.y = grid_of<Real>(s.instance.y);
  r.prompt = grid_of<Real>(make_training_prompt<Real>(model.shape, s));
  r.prediction = grid_of<Real>(Matrix<Real>(predictions.front()));
  r.p_star = grid_of<Real>(P);
  const auto patterns = attention_patterns<Real>(model, s);
  for (std::size_t l = 0; l < patterns.size(); ++l)
    r.layers.push_back({static_cast<long long>(l + 1), grid_of<Real>(patterns[l][0]), grid_of<Real>(patterns[l][1]),
                        {distance_to<Real>(patterns[l][0], P), distance_to<Real>(patterns[l][1], P)}});
  // The notebook's Figure 3: the readout Q on every Z^(l), against P*^T.
  const Matrix<Real> Pt = P.transpose();
  for (const auto& pattern : readout_patterns<Real>(model, s)) r.readout_distance_to_p_star_t.push_back(distance_to<Real>(pattern, Pt));
  return r;
}

template <class Real> AblationResult TrainingStudy<Real>::ablation(const AblationSpec& o, const AblationCallbacks& cb) {
  using namespace training_detail;
  AblationResult result;
  std::map<std::string, std::vector<ModelFile>> runs;
  for (const std::string prompt : {"engineered", "plain"})
    for (const auto seed : o.seeds) {
      const AblationRun run{prompt, seed, (std::filesystem::path(o.models_dir) / (prompt + "-seed" + std::to_string(seed) + ".json")).string(),
                            prompt + " seed " + std::to_string(seed)};
      TrainSpec t;
      t.settings = o.base;
      t.settings.prompt = prompt;
      t.settings.seed = seed;
      t.checkpoint_name = run.file;
      t.checkpoint_every = o.checkpoint_every;
      t.command = "otverify train --n " + std::to_string(t.settings.n) + " --layers " + std::to_string(t.settings.layers) + " --iters " +
                  std::to_string(t.settings.iterations) + " --samples " + std::to_string(t.settings.samples) + " --prompt " + prompt +
                  " --setup " + t.settings.setup + " --data " + t.settings.data + " --seed " + std::to_string(seed) + " --scalar " +
                  t.settings.scalar + " --out " + run.file;
      std::optional<ModelFile> stored = cb.stored ? cb.stored(run) : std::nullopt;
      if (stored && (!same_run(stored->settings, t.settings) || stored->settings.iterations != t.settings.iterations)) {
        if (!o.retrain) throw InputError(run.file + " holds a model trained with other settings; pass --force to retrain it");
        stored.reset();
      }
      if (stored && stored->completed >= t.settings.iterations) {
        runs[prompt].push_back(std::move(*stored));
        continue;
      }
      const bool resuming = stored.has_value();
      t.resume = std::move(stored);
      TrainResult trained = TrainingStudy<Real>::train(t, cb.training ? cb.training(run, resuming) : TrainCallbacks{});
      if (trained.stopped) {
        result.stopped = true;
        return result;
      }
      runs[prompt].push_back(std::move(trained.model));
    }

  result.command = o.command;
  result.base = o.base;
  result.seeds = o.seeds;
  result.figure_seed = o.figure_seed;
  result.models_dir = o.models_dir;
  for (const auto& [prompt, out] : {std::pair<std::string, PromptRuns*>{"engineered", &result.engineered}, std::pair<std::string, PromptRuns*>{"plain", &result.plain}}) {
    for (const auto& m : runs[prompt]) {
      out->final_loss.push_back(m.final_loss);
      out->loss_curves.push_back(thinned_curve(m.loss_curve));
    }
    out->final_loss_stats = mean_sd(out->final_loss);
    out->final_loss_min = *std::min_element(out->final_loss.begin(), out->final_loss.end());
    out->final_loss_max = *std::max_element(out->final_loss.begin(), out->final_loss.end());
  }
  result.ratio = result.plain.final_loss_stats.mean / result.engineered.final_loss_stats.mean;
  result.ratio_ci95 = bootstrap_ratio_ci(result.plain.final_loss, result.engineered.final_loss);

  // Figure 3: the engineered model of the first seed on one held-out instance at
  // n = 7 and 9, in two readings. (a) Each residual layer l's own heads A^(l)
  // (eq. 10) against P* (row i: x_i's target) at l = 5, 10, 15, 20. (b) As the
  // released notebook plots it: the readout's Q (last layer, head-1 slot) applied
  // to Z^(l), against P*^T (row i: the token with the i-th smallest x).
  const TrainableModel<Real> eng = model_of<Real>(runs["engineered"].front());
  const TrainableModel<Real> plain = model_of<Real>(runs["plain"].front());
  for (const long long n : {7LL, 9LL}) {
    const auto inst = held_out_for<Real>(o.base, n, 1, o.figure_seed).front();
    const Matrix<Real> P = p_star<Real>(inst), Pt = P.transpose();
    const auto patterns = attention_patterns<Real>(eng, inst);
    const auto readouts = readout_patterns<Real>(eng, inst);
    Figure3Panel f{grid_of<Real>(inst.instance.x), grid_of<Real>(P), grid_of<Real>(Pt), {}, {}, {}, {}, {}, {}, {}};
    for (int l : {5, 10, 15, 20}) {
      if (l > eng.residual_layers()) continue;
      const auto& p = patterns[static_cast<std::size_t>(l - 1)];
      f.layers.push_back(l);
      f.patterns.push_back(grid_of<Real>(p[0]));
      f.patterns_head2.push_back(grid_of<Real>(p[1]));
      f.distance_to_p_star.emplace_back(distance_to<Real>(p[0], P), distance_to<Real>(p[1], P));
    }
    for (int l : {0, 5, 10, 15, 20}) {
      const int state = std::min(l, eng.residual_layers());
      if (!f.readout_states.empty() && f.readout_states.back() == state) continue;
      f.readout_states.push_back(state);
      f.readout_patterns.push_back(grid_of<Real>(readouts[static_cast<std::size_t>(state)]));
      f.readout_distance_to_p_star_t.push_back(distance_to<Real>(readouts[static_cast<std::size_t>(state)], Pt));
    }
    result.figure3[n] = std::move(f);
  }
  {  // Figure 4: last-layer patterns of both prompts on one held-out instance (n of training).
    const auto inst = held_out_for<Real>(o.base, o.base.n, 1, o.figure_seed).front();
    const Matrix<Real> P = p_star<Real>(inst);
    result.figure4 = {o.base.n, grid_of<Real>(inst.instance.x), grid_of<Real>(P), last_layer<Real>(eng, inst, P), last_layer<Real>(plain, inst, P)};
  }

  // Generalisation (Sec. 6: trained at n = 7, evaluated at other n): every model on
  // 100 held-out instances per n (sorted(x) != y, seed figure_seed), mse against
  // sorted x beside the copy-y and mean-of-x baselines, the sorting verdict, and
  // the ratio plain / engineered of the held-out mse with its bootstrap interval.
  for (const long long n : {o.base.n, 9LL, 15LL}) {
    for (const auto& [prompt, models] : runs) {
      HeldOutScores g;
      std::vector<double> copy, mean;
      for (const auto& m : models) {
        const SortingScore sc = score_sorting<Real>(model_of<Real>(m), held_out_for<Real>(m.settings, n, 100, o.figure_seed));
        g.mse.push_back(sc.mse_sorted);
        g.mse_to_y.push_back(sc.mse_to_y);
        copy.push_back(sc.copy_y_baseline);
        mean.push_back(sc.mean_baseline);
        g.verdicts.push_back(sc.verdict());
      }
      g.mse_stats = mean_sd(g.mse);
      g.mse_to_y_mean = mean_sd(g.mse_to_y).mean;
      g.copy_y_baseline = mean_sd(copy).mean;
      g.mean_baseline = mean_sd(mean).mean;
      result.generalisation[prompt][n] = std::move(g);
    }
    result.held_out_ratio[n] = held_out_ratio(result.generalisation["plain"][n].mse, result.generalisation["engineered"][n].mse);
  }

  // The constructed weights (eq. 8) on the training data of the first seed.
  TrainSettings es = o.base;
  es.prompt = "engineered";
  es.seed = o.seeds.front();
  const auto data = samples_at<Real>(es, 0);
  const Real lambda = parse_finite<Real>(o.construct_lambda);
  ConstructedComparison& c = result.constructed;
  c.lambda = o.construct_lambda;
  c.readout = eng.attention_readout ? "attention: eq. (8)'s head-2 Q in the readout slot, A x with the sink masked"
                                    : "output column: the last layer's head 2 writes (n + 1) A x (n = the training n)";
  auto construct = [&](const Real& gamma) {
    return constructed_model<Real>(eng.shape, eng.layers(), eng.mixing, lambda, gamma, static_cast<int>(o.base.n), eng.attention_readout);
  };
  double best = 0;
  for (const auto& g : o.construct_gammas) {
    const double loss = ScalarTraits<Real>::to_double(loss_and_gradient<Real>(construct(parse_finite<Real>(g)), data, nullptr));
    c.loss_by_gamma[g] = std::isfinite(loss) ? std::optional<double>(loss) : std::nullopt;
    if (std::isfinite(loss) && (!c.gamma || loss < best)) { best = loss; c.gamma = g; }
  }
  if (c.gamma) {
    auto con = construct(parse_finite<Real>(*c.gamma));
    auto grad = zeros_like(con.weights);
    loss_and_gradient<Real>(con, data, &grad);
    // A descent step from the construction: the largest eta = 2^-k (k <= 60) with
    // L(theta - eta grad) < L(theta). If there is one, the construction is not a
    // local minimiser of the training loss (its gradient is not zero).
    for (int k = 0; k <= 60 && !c.descent_step; ++k) {
      auto moved = con;
      const Real eta = ldexp(Real(1), -k);
      for (std::size_t l = 0; l < moved.weights.size(); ++l)
        for (std::size_t h = 0; h < 2; ++h) {
          moved.weights[l][h].Q -= eta * grad[l][h].Q;
          moved.weights[l][h].w_v -= eta * grad[l][h].w_v;
        }
      const double moved_loss = ScalarTraits<Real>::to_double(loss_and_gradient<Real>(moved, data, nullptr));
      if (moved_loss < best) c.descent_step = DescentStep{ScalarTraits<Real>::to_double(eta), moved_loss};
    }
    c.loss = best;
    c.gradient_norm = gradient_norm<Real>(grad);
    c.trained_loss = runs["engineered"].front().final_loss;
    c.q = q_distance<Real>(eng, con);
    // Does the construction sort held-out instances?
    for (const long long n : {o.base.n, 9LL, 15LL}) c.held_out[n] = score_sorting<Real>(con, held_out_for<Real>(o.base, n, 100, o.figure_seed));
  } else {
    c.q.relative = q_distance<Real>(eng, construct(Real(1))).relative;
  }
  return result;
}

}  // namespace otv::study
