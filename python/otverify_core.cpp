// otverify._core: the study layer (src/study) for Python; otverify/__init__.py
// converts its results to NumPy arrays and documents the API. Only spec building
// and the GIL live here: every rule, check and loop is the study's.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "otv/construction_variant.hpp"
#include "otv/error.hpp"
#include "otv/instance_text.hpp"
#include "otv/scalar_spec.hpp"
#include "otv/softmax_mode.hpp"
#include "study/forward_run.hpp"
#include "study/json_value.hpp"
#include "study/model_file.hpp"
#include "study/theorem1.hpp"
#include "study/theorem2.hpp"
#include "study/training.hpp"
#include "study/breakdown_causes.hpp"
#include "study/breakdown_sweep.hpp"
#include "study/safe_lambda.hpp"

namespace py = pybind11;

namespace {

// Raises a pending Ctrl-C (KeyboardInterrupt) in C++; call with the GIL held.
void deliver_signals() {
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

// The record of study::run_construction as JSON text (json.loads in the wrapper).
std::string run(const otv::PointsText& x, const otv::PointsText& y, const std::string& lambda, const std::string& gamma,
                long long layers, const std::string& variant, const std::string& softmax, const std::string& scalar,
                const py::object& progress) {
  otv::study::RunSpec spec;
  spec.instance = {x, y};
  spec.lambda = lambda;
  spec.gamma = gamma;
  spec.layers = layers;
  spec.variant = otv::parse_variant(variant);
  spec.softmax = otv::parse_softmax(softmax);
  spec.scalar = otv::parse_scalar(scalar);
  // The run holds no Python objects, so it runs without the GIL; between layers it
  // takes the GIL back to deliver Ctrl-C (PyErr_CheckSignals) and progress.
  spec.after_layer = [&progress, layers](long long done) {
    py::gil_scoped_acquire gil;
    deliver_signals();
    if (!progress.is_none()) progress(done, layers);
  };
  py::gil_scoped_release no_gil;
  return otv::study::to_json(otv::study::run_construction(spec)).dump();
}

// Between the study's steps (a scalar run, an instance): Ctrl-C and progress, with the GIL.
std::function<void()> between_steps(const py::object& progress) {
  return [&progress, done = 0LL]() mutable {
    py::gil_scoped_acquire gil;
    deliver_signals();
    if (!progress.is_none()) progress(++done);
  };
}

// After each layer of a Theorem 1 run: Ctrl-C only (a run can take minutes in mpfr).
void within_runs(otv::study::Theorem1Spec& spec) {
  spec.after_layer = [](long long) {
    py::gil_scoped_acquire gil;
    deliver_signals();
  };
}

// study::run_theorem1's record as JSON text (non-finite numbers spelled out).
std::string theorem1(const otv::PointsText& x, const otv::PointsText& y, const std::string& lambda, const std::string& gamma,
                     long long layers, const std::string& variant, const std::string& softmax, const std::string& scalar,
                     const std::string& ladder, bool certify, unsigned certify_bits, const py::object& progress) {
  otv::study::Theorem1Spec spec{.instance = {x, y}, .lambda = lambda, .gamma = gamma, .layers = layers,
                                .variant = otv::parse_variant(variant), .softmax = otv::parse_softmax(softmax),
                                .scalar = otv::parse_scalar(scalar), .ladder = otv::study::parse_ladder(ladder),
                                .always_ladder = true, .certify = certify, .certify_bits = certify_bits,
                                .after_run = between_steps(progress), .after_layer = nullptr};
  within_runs(spec);
  py::gil_scoped_release no_gil;
  return otv::study::with_nonfinite_names(otv::study::to_json(otv::study::run_theorem1(spec))).dump();
}

// study::theorem1_trials's record as JSON text; progress(trials_done, trials) after each trial.
std::string theorem1_trials(long long trials, long long max_n, std::uint64_t seed, std::size_t d, const std::string& lambda,
                            const std::string& gamma, long long layers, const std::string& variant, const std::string& softmax,
                            const std::string& scalar, const std::string& ladder, bool certify, unsigned certify_bits,
                            const py::object& progress) {
  otv::study::Theorem1Spec spec{.instance = {}, .lambda = lambda, .gamma = gamma, .layers = layers,
                                .variant = otv::parse_variant(variant), .softmax = otv::parse_softmax(softmax),
                                .scalar = otv::parse_scalar(scalar), .ladder = otv::study::parse_ladder(ladder),
                                .always_ladder = true, .certify = certify, .certify_bits = certify_bits, .after_run = nullptr,
                                .after_layer = nullptr};
  within_runs(spec);
  const auto after_trial = [&progress, trials](long long done) {
    py::gil_scoped_acquire gil;
    deliver_signals();
    if (!progress.is_none()) progress(done, trials);
  };
  py::gil_scoped_release no_gil;
  return otv::study::with_nonfinite_names(otv::study::theorem1_trials(spec, trials, max_n, seed, d, after_trial)).dump();
}

// study::run_theorem2's record as JSON text.
std::string theorem2(const otv::PointsText& x, const otv::PointsText& y, const std::string& lambda, const std::string& gamma,
                     long long layers, const std::string& variant, const std::string& softmax, const std::string& scalar, bool rates,
                     const py::object& progress) {
  const otv::study::Theorem2Spec spec{.instance = {x, y}, .lambda = lambda, .gamma = gamma, .layers = layers,
                                      .variant = otv::parse_variant(variant), .softmax = otv::parse_softmax(softmax),
                                      .scalar = otv::parse_scalar(scalar), .rates = rates, .after_instance = between_steps(progress)};
  py::gil_scoped_release no_gil;
  return otv::study::with_nonfinite_names(otv::study::to_json(otv::study::run_theorem2(spec))).dump();
}

// Training: otverify.train / evaluate / ablation on study/training.hpp.

// Training settings from keyword arguments; absent ones take the CLI's defaults
// (study::apply_setup_defaults: those of --setup notebook when it is chosen).
struct TrainArgs {
  long long n, layers;
  std::optional<long long> iterations, samples, resample_every;
  std::string prompt, setup, data, layout, scalar;
  std::optional<std::string> learning_rate, mixing;
  std::uint64_t seed;
};

otv::study::TrainSettings settings_of(const TrainArgs& a, otv::study::TrainSettings s) {
  s.n = a.n;
  s.layers = a.layers;
  s.prompt = a.prompt;
  s.setup = a.setup;
  s.data = a.data;
  s.layout = a.layout;
  s.scalar = a.scalar;
  s.seed = a.seed;
  s.iterations = a.iterations.value_or(s.iterations);
  s.samples = a.samples.value_or(s.samples);
  s.resample_every = a.resample_every.value_or(s.resample_every);
  s.learning_rate = a.learning_rate.value_or(s.learning_rate);
  s.mixing = a.mixing.value_or("paper");
  otv::study::apply_setup_defaults(s, {.iterations = a.iterations.has_value(), .samples = a.samples.has_value(),
                                       .resample_every = a.resample_every.has_value(), .learning_rate = a.learning_rate.has_value(),
                                       .mixing = a.mixing.has_value()});
  return s;
}

// progress(done, total[, label]) with the GIL held, after Ctrl-C is delivered.
std::function<void(long long)> python_progress(const py::object& progress, long long total, std::optional<std::string> label) {
  return [&progress, total, label = std::move(label)](long long done) {
    py::gil_scoped_acquire gil;
    deliver_signals();
    if (progress.is_none()) return;
    if (label) progress(done, total, *label);
    else progress(done, total);
  };
}

// The trained model file (study::model_json) as JSON text.
std::string train(const TrainArgs& args, const py::object& progress) {
  otv::study::TrainSpec spec;
  spec.settings = settings_of(args, {});
  spec.checkpoint_every = 0;
  spec.command = "otverify.train (Python)";
  otv::study::TrainCallbacks callbacks;
  callbacks.progress = python_progress(progress, spec.settings.iterations, std::nullopt);
  py::gil_scoped_release no_gil;
  return otv::study::model_json(otv::study::train(spec, callbacks).model);
}

// The record of `otverify eval --json` as JSON text.
std::string evaluate(const std::string& model_file, long long n, long long samples, std::uint64_t seed) {
  const otv::study::EvalSpec spec{otv::study::parse_model_json(model_file), n, samples, seed};
  py::gil_scoped_release no_gil;
  return otv::study::with_nonfinite_names(otv::study::to_json(otv::study::evaluate(spec))).dump();
}

// The record of `otverify ablation --json` as JSON text; the models stay in memory.
std::string ablation(const TrainArgs& args, const std::vector<std::uint64_t>& seeds, std::uint64_t figure_seed, const py::object& progress) {
  otv::study::AblationSpec spec;
  otv::study::TrainSettings preset;  // the ablation's shorter runs (`otverify ablation`)
  preset.iterations = 2000;
  preset.samples = 100;
  spec.base = settings_of(args, preset);
  spec.seeds = seeds;
  spec.figure_seed = figure_seed;
  spec.command = "otverify.ablation (Python)";
  otv::study::AblationCallbacks callbacks;
  const long long total = spec.base.iterations;
  callbacks.training = [&progress, total](const otv::study::AblationRun& run, bool) {
    otv::study::TrainCallbacks c;
    c.progress = python_progress(progress, total, run.label);
    return c;
  };
  py::gil_scoped_release no_gil;
  return otv::study::with_nonfinite_names(otv::study::to_json(otv::study::ablation(spec, callbacks))).dump();
}

// Breakdown and advise (study/breakdown_sweep.hpp, study/safe_lambda.hpp): groups run one after another in this process, without the GIL; after each cell the
// GIL is taken back to deliver Ctrl-C and progress.

// Runs groups here for the study's sweep and advice, counting cells for progress.
otv::study::GroupRunner here(const py::object& progress, long long& done) {
  return [&progress, &done](const otv::study::SweepOptions& o, const std::vector<otv::study::Group>& groups, const std::string&) {
    return std::optional(otv::study::run_groups_here(o, groups, [&](const nlohmann::json&) {
      py::gil_scoped_acquire gil;
      deliver_signals();
      ++done;
      if (!progress.is_none()) progress(done);
    }));
  };
}

// {"cells": result lines with their causes (study::with_causes), "summary": breakdown_summary} as JSON text.
std::string breakdown(const std::vector<long long>& ns, const std::vector<std::string>& scalars, const std::vector<std::string>& softmax,
                      long long layers, double tolerance, bool search, double lambda_min, double lambda_max, long long points,
                      const std::vector<std::string>& holdout, double resolution, bool depth, long long seeds, const std::string& variant,
                      const std::string& generator, long long d, double gamma_ratio, long long bisect, const py::object& progress) {
  otv::study::SweepOptions o;
  o.ns = ns;
  o.scalars = scalars;
  o.softmax = otv::study::parse_softmax_modes(softmax);
  o.layers = layers;
  o.tolerance = tolerance;
  o.search = search;
  o.lambda_min = lambda_min;
  o.lambda_max = lambda_max;
  o.points = points;
  o.holdout = holdout;
  o.resolution = resolution;
  o.depth = depth;
  o.seeds = seeds;
  o.variant = otv::parse_variant(variant);
  o.generator = generator;
  o.dimension = d;
  o.gamma_ratio = gamma_ratio;
  o.bisect_steps = bisect;
  o.validate_search();
  o.validate();
  std::vector<nlohmann::json> results;
  long long done = 0;
  {
    py::gil_scoped_release no_gil;
    otv::study::run_sweep(o, {}, results, here(progress, done));
  }
  return nlohmann::json{{"cells", otv::study::with_causes(results, o.tolerance)}, {"summary", otv::study::to_json(otv::study::breakdown_summary(results, o))}}.dump();
}

// The record of study::advise as JSON text.
std::string advise(long long n, const std::string& scalar, double tolerance, long long d, long long layers, bool depth, const py::object& progress) {
  long long done = 0;
  std::optional<nlohmann::json> record;
  {
    py::gil_scoped_release no_gil;
    record = otv::study::advise({n, d, scalar, tolerance, layers, depth}, here(progress, done));
  }
  return record.value().dump();
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "otverify's study layer (use the otverify package, not this module)";
  // Bad input raises ValueError carrying the CLI's one-line message.
  py::register_exception<otv::InputError>(m, "InputError", PyExc_ValueError);
  m.def("run", &run, py::arg("x"), py::arg("y"), py::arg("lam"), py::arg("gamma"), py::arg("layers"), py::arg("variant"),
        py::arg("softmax"), py::arg("scalar"), py::arg("progress"));
  // Training (study/training.hpp).
  py::class_<TrainArgs>(m, "TrainArgs")
      .def(py::init<long long, long long, std::optional<long long>, std::optional<long long>, std::optional<long long>, std::string,
                    std::string, std::string, std::string, std::string, std::optional<std::string>, std::optional<std::string>,
                    std::uint64_t>(),
           py::arg("n"), py::arg("layers"), py::arg("iterations"), py::arg("samples"), py::arg("resample_every"), py::arg("prompt"),
           py::arg("setup"), py::arg("data"), py::arg("layout"), py::arg("scalar"), py::arg("learning_rate"), py::arg("mixing"),
           py::arg("seed"));
  m.def("theorem1", &theorem1, py::arg("x"), py::arg("y"), py::arg("lam"), py::arg("gamma"), py::arg("layers"), py::arg("variant"),
        py::arg("softmax"), py::arg("scalar"), py::arg("ladder"), py::arg("certify"), py::arg("certify_bits"), py::arg("progress"));
  m.def("theorem2", &theorem2, py::arg("x"), py::arg("y"), py::arg("lam"), py::arg("gamma"), py::arg("layers"), py::arg("variant"),
        py::arg("softmax"), py::arg("scalar"), py::arg("rates"), py::arg("progress"));
  m.def("theorem1_trials", &theorem1_trials, py::arg("trials"), py::arg("max_n"), py::arg("seed"), py::arg("d"), py::arg("lam"),
        py::arg("gamma"), py::arg("layers"), py::arg("variant"), py::arg("softmax"), py::arg("scalar"), py::arg("ladder"),
        py::arg("certify"), py::arg("certify_bits"), py::arg("progress"));
  m.def("train", &train, py::arg("args"), py::arg("progress"));
  m.def("evaluate", &evaluate, py::arg("model_file"), py::arg("n"), py::arg("samples"), py::arg("seed"));
  m.def("ablation", &ablation, py::arg("args"), py::arg("seeds"), py::arg("figure_seed"), py::arg("progress"));
  m.def("breakdown", &breakdown, py::arg("ns"), py::arg("scalars"), py::arg("softmax"), py::arg("layers"), py::arg("tolerance"), py::arg("search"),
        py::arg("lambda_min"), py::arg("lambda_max"), py::arg("points"), py::arg("holdout"), py::arg("resolution"), py::arg("depth"),
        py::arg("seeds"), py::arg("variant"), py::arg("generator"), py::arg("d"), py::arg("gamma_ratio"), py::arg("bisect"), py::arg("progress"));
  m.def("advise", &advise, py::arg("n"), py::arg("scalar"), py::arg("tolerance"), py::arg("d"), py::arg("layers"), py::arg("depth"), py::arg("progress"));
}
