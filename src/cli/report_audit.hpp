#pragma once
// The standard audit behind otverify report: a fixed list of otverify commands
// (each run as a child process with --json, so every figure carries the exact
// command that regenerates it); the verdicts drawn from their results are the study
// layer's (study/claim_verdicts.hpp).
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace otv::cli {

enum class ReportProfile { quick, full };

// The version of report.json's layout (reports/README.md); reports/report.js draws
// only data of this version and says so on the page otherwise.
inline constexpr const char* kReportSchema = "otverify-report/2";

struct AuditStep {
  std::string id;                 // key in the report data ("theorem1.paper", ...)
  std::vector<std::string> args;  // argv after the program name
  bool exclusive = false;         // runs alone (it uses every core itself)
  bool optional = false;          // a failure is recorded, not fatal (e.g. a test binary not built)
  std::string program;            // empty: this otverify binary
  AuditStep(std::string id_, std::vector<std::string> args_, bool exclusive_ = false, bool optional_ = false, std::string program_ = {})
      : id(std::move(id_)), args(std::move(args_)), exclusive(exclusive_), optional(optional_), program(std::move(program_)) {}
};

// The steps of a profile. breakdown_file: the JSON-lines file the breakdown sweep
// writes or, when reuse_breakdown, an existing sweep result that is only read (merge).
std::vector<AuditStep> audit_plan(ReportProfile profile, const std::string& breakdown_file, bool reuse_breakdown, const std::string& property_tests,
                                  int jobs);

// Where the page finds each figure's data in the steps of audit_plan(profile), and
// the constants it draws (variants, the paper's example, the sink's fixed point):
// report.json's "layout", so that reports/report.js holds no constants of its own.
nlohmann::json audit_layout(ReportProfile profile);

// The command line of a step as a user would type it (otverify ..., shell-quoted).
std::string command_line(const AuditStep& step);

// Runs the steps, up to `jobs` at a time (exclusive steps alone), as child
// processes; returns {id: {command, seconds, exit_code, result | error}}.
// Throws InputError/std::runtime_error when a non-optional step fails; returns
// early with "interrupted": true on SIGINT/SIGTERM.
nlohmann::json run_audit(const std::vector<AuditStep>& steps, const std::string& self, int jobs);

// The findings (## F<k>, T<k> in docs/findings.md) and repairs of the printed paper
// (## R<k> in docs/construction.md), the single sources: id, title, summary and
// the reproducer command(s) quoted in their text.
nlohmann::json read_findings(const std::string& docs_dir);

}  // namespace otv::cli
