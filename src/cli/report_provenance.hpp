#pragma once
// Provenance for otverify report: what built this binary (version, git commit,
// compiler, library versions) and where the report's template and assets live.
#include <nlohmann/json.hpp>

#include <string>

namespace otv::cli {

// version, commit, commit_dirty, compiler, build_type, and the versions of Boost,
// MPFR, MPFI, GMP, Eigen, nlohmann_json, CLI11 and fmt this binary was built with.
nlohmann::json build_provenance();

// reports/ of the source tree this binary was built from (template, CSS, JS, node_modules).
std::string default_reports_dir();

}  // namespace otv::cli
