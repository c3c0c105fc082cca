#include "cli/report_provenance.hpp"

#include <CLI/Version.hpp>
#include <Eigen/Core>
#include <boost/version.hpp>
#include <fmt/format.h>
#include <gmp.h>
#include <mpfi.h>
#include <mpfr.h>

#include "cli/app_support.hpp"
#include "otv_build_info.hpp"  // generated at build time (cmake/build_info.cmake)

namespace otv::cli {

namespace {
#if defined(__clang__)
constexpr const char* kCompiler = "clang " __clang_version__;
#elif defined(__GNUC__)
constexpr const char* kCompiler = "GCC " __VERSION__;
#else
constexpr const char* kCompiler = "unknown compiler";
#endif
}  // namespace

nlohmann::json build_provenance() {
  return {{"version", OTV_VERSION},
          {"commit", OTV_GIT_COMMIT},
          {"commit_dirty", OTV_GIT_DIRTY},
          {"compiler", kCompiler},
          {"build_type", OTV_BUILD_TYPE},
          {"kernels", kernel_provenance()},
          {"libraries",
           {{"Boost", fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100)},
            {"MPFR", mpfr_get_version()},
            {"MPFI", mpfi_get_version()},
            {"GMP", gmp_version},
            {"Eigen", fmt::format("{}.{}.{}", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION)},
            {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
            {"CLI11", CLI11_VERSION},
            {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)}}}};
}

std::string default_reports_dir() { return OTV_REPORTS_DIR; }

}  // namespace otv::cli
