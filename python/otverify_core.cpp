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

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "otverify's study layer (use the otverify package, not this module)";
  // Bad input raises ValueError carrying the CLI's one-line message.
  py::register_exception<otv::InputError>(m, "InputError", PyExc_ValueError);
  m.def("run", &run, py::arg("x"), py::arg("y"), py::arg("lam"), py::arg("gamma"), py::arg("layers"), py::arg("variant"),
        py::arg("softmax"), py::arg("scalar"), py::arg("progress"));
}
