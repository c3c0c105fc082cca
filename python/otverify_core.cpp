// otverify._core: the study layer (src/study) for Python; otverify/__init__.py
// converts its results to NumPy arrays and documents the API. Only spec building
// and the GIL live here: every rule, check and loop is the study's.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "otv/construction.hpp"
#include "otv/error.hpp"
#include "otv/instance.hpp"
#include "otv/scalar_registry.hpp"
#include "otv/transformer.hpp"
#include "study/forward_run.hpp"
// breakdown, advise
#include "study/breakdown_causes.hpp"
#include "study/breakdown_sweep.hpp"
#include "study/safe_lambda.hpp"

namespace py = pybind11;

namespace {

// The record of study::run_construction as JSON text (json.loads in the wrapper).
std::string run(const otv::PointsText& x, const otv::PointsText& y, const std::string& lambda, const std::string& gamma,
                long long layers, const std::string& variant, const std::string& softmax, const std::string& scalar,
                const py::object& progress) {
  otv::study::RunSpec spec{.instance = {x, y}, .lambda = lambda, .gamma = gamma, .layers = layers,
                           .variant = otv::parse_variant(variant), .softmax = otv::parse_softmax(softmax),
                           .scalar = otv::parse_scalar(scalar)};
  // The run holds no Python objects, so it runs without the GIL; between layers it
  // takes the GIL back to deliver Ctrl-C (PyErr_CheckSignals) and progress.
  spec.after_layer = [&progress, layers](long long done) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!progress.is_none()) progress(done, layers);
  };
  py::gil_scoped_release no_gil;
  return otv::study::run_construction(spec).record.dump();
}

// ---- breakdown, advise (study/breakdown_sweep.hpp, study/safe_lambda.hpp) ---------------
// Groups run one after another in this process, without the GIL; after each cell the
// GIL is taken back to deliver Ctrl-C and progress. No certified P_lambda* is passed
// (it is not in the study layer yet): grid maps and the depth needed raise ValueError.

// Runs groups here for the study's sweep and advice, counting cells for progress.
otv::study::GroupRunner here(const py::object& progress, long long& done) {
  return [&progress, &done](const otv::study::SweepOptions& o, const std::vector<otv::study::Group>& groups, const std::string&) {
    return std::optional(otv::study::run_groups_here(o, groups, nullptr, [&](const nlohmann::json&) {
      py::gil_scoped_acquire gil;
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
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
  return nlohmann::json{{"cells", otv::study::with_causes(results, o.tolerance)}, {"summary", otv::study::breakdown_summary(results, o)}}.dump();
}

// The record of study::advise (without the depth needed) as JSON text.
std::string advise(long long n, const std::string& scalar, double tolerance, long long d, long long layers, const py::object& progress) {
  long long done = 0;
  std::optional<nlohmann::json> record;
  {
    py::gil_scoped_release no_gil;
    record = otv::study::advise({n, d, scalar, tolerance, layers, false}, here(progress, done));
  }
  return record.value().dump();
}
// ---- end breakdown, advise ----------------------------------------------------------------

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "otverify's study layer (use the otverify package, not this module)";
  // Bad input raises ValueError carrying the CLI's one-line message.
  py::register_exception<otv::InputError>(m, "InputError", PyExc_ValueError);
  m.def("run", &run, py::arg("x"), py::arg("y"), py::arg("lam"), py::arg("gamma"), py::arg("layers"), py::arg("variant"),
        py::arg("softmax"), py::arg("scalar"), py::arg("progress"));
  // ---- breakdown, advise ----
  m.def("breakdown", &breakdown, py::arg("ns"), py::arg("scalars"), py::arg("softmax"), py::arg("layers"), py::arg("tolerance"), py::arg("search"),
        py::arg("lambda_min"), py::arg("lambda_max"), py::arg("points"), py::arg("holdout"), py::arg("resolution"), py::arg("depth"),
        py::arg("seeds"), py::arg("variant"), py::arg("generator"), py::arg("d"), py::arg("gamma_ratio"), py::arg("bisect"), py::arg("progress"));
  m.def("advise", &advise, py::arg("n"), py::arg("scalar"), py::arg("tolerance"), py::arg("d"), py::arg("layers"), py::arg("progress"));
  // ---- end breakdown, advise ----
}
