// otverify._core: the study layer (src/study) for Python; otverify/__init__.py
// converts its results to NumPy arrays and documents the API. Only spec building
// and the GIL live here: every rule, check and loop is the study's.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <functional>
#include <string>

#include "otv/construction.hpp"
#include "otv/error.hpp"
#include "otv/instance.hpp"
#include "otv/scalar_registry.hpp"
#include "otv/transformer.hpp"
#include "study/forward_run.hpp"
#include "study/json_value.hpp"
#include "study/theorem1.hpp"
#include "study/theorem2.hpp"

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

// ---- theorems (otverify.theorem1, otverify.theorem2) ----

// Between the study's steps (a scalar run, an instance): Ctrl-C and progress, with the GIL.
std::function<void()> between_steps(const py::object& progress) {
  return [&progress, done = 0LL]() mutable {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!progress.is_none()) progress(++done);
  };
}

// study::run_theorem1's record as JSON text (non-finite numbers spelled out).
std::string theorem1(const otv::PointsText& x, const otv::PointsText& y, const std::string& lambda, const std::string& gamma,
                     long long layers, const std::string& variant, const std::string& softmax, const std::string& scalar,
                     const std::string& ladder, bool certify, unsigned certify_bits, const py::object& progress) {
  const otv::study::Theorem1Spec spec{.instance = {x, y}, .lambda = lambda, .gamma = gamma, .layers = layers,
                                      .variant = otv::parse_variant(variant), .softmax = otv::parse_softmax(softmax),
                                      .scalar = otv::parse_scalar(scalar), .ladder = otv::study::parse_ladder(ladder),
                                      .always_ladder = true, .certify = certify, .certify_bits = certify_bits,
                                      .after_run = between_steps(progress)};
  py::gil_scoped_release no_gil;
  return otv::study::with_nonfinite_names(otv::study::to_json(otv::study::run_theorem1(spec))).dump();
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

// ---- end of theorems ----

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "otverify's study layer (use the otverify package, not this module)";
  // Bad input raises ValueError carrying the CLI's one-line message.
  py::register_exception<otv::InputError>(m, "InputError", PyExc_ValueError);
  m.def("run", &run, py::arg("x"), py::arg("y"), py::arg("lam"), py::arg("gamma"), py::arg("layers"), py::arg("variant"),
        py::arg("softmax"), py::arg("scalar"), py::arg("progress"));
  // ---- theorems ----
  m.def("theorem1", &theorem1, py::arg("x"), py::arg("y"), py::arg("lam"), py::arg("gamma"), py::arg("layers"), py::arg("variant"),
        py::arg("softmax"), py::arg("scalar"), py::arg("ladder"), py::arg("certify"), py::arg("certify_bits"), py::arg("progress"));
  m.def("theorem2", &theorem2, py::arg("x"), py::arg("y"), py::arg("lam"), py::arg("gamma"), py::arg("layers"), py::arg("variant"),
        py::arg("softmax"), py::arg("scalar"), py::arg("rates"), py::arg("progress"));
  // ---- end of theorems ----
}
