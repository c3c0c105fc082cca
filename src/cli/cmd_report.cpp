// otverify report: runs the standard audit (otverify's own subcommands with --json,
// as child processes) and writes one self-contained HTML file with the verdict
// table, the findings, the figures and the provenance, plus its data as JSON.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/app_support.hpp"
#include "study/claim_verdicts.hpp"
#include "study/json_number.hpp"
#include "cli/breakdown_sweep.hpp"
#include "cli/result_file.hpp"
#include "cli/interrupt.hpp"
#include "cli/output_file.hpp"
#include "cli/report_audit.hpp"
#include "cli/input_file.hpp"
#include "cli/report_html.hpp"
#include "cli/report_provenance.hpp"
#include "otv/block_exp.hpp"
#include "otv/error.hpp"

namespace otv::cli {

using namespace otv::study;  // the JSON encoding of values and the claims' verdicts
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json read_json_file(const fs::path& p, const std::string& what) {
  const std::string text = read_input_file(p.string(), what, kMaxJsonBytes);
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw InputError(what + " " + p.string() + " is not valid JSON: " + e.what());
  }
}

// The breakdown cells, reduced to what the map shows.
json breakdown_cells(const std::string& path) {
  json cells = json::array();
  for (const auto& c : read_results(path))
    cells.push_back({{"lambda", c["lambda"]}, {"n", c["n"]}, {"scalar", c["scalar"]}, {"softmax", c["softmax"]}, {"seed", c["seed"]},
                     {"kind", c["kind"]}, {"bits_lost", c["bits_lost"]}, {"correct_bits", c["correct_bits"]}, {"bits", c["bits"]},
                     {"distance_to_optimal", c["distance_to_optimal"]}, {"readout_error", c["readout_error"]},
                     {"nan_entries", c["nan_entries"]}, {"inf_entries", c["inf_entries"]}});
  return cells;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string self_executable() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot locate the otverify executable: " + ec.message());
  return p.string();
}

void print_verdicts(const json& data, const std::string& written) {
  const json& p = data["provenance"];
  fmt::print("otverify report ({} profile, {} s)\n", text_of(p.value("profile", json("?"))), text_of(p.value("duration_seconds", json("?"))));
  for (const auto& v : data["verdicts"])
    if (v.is_object())
      fmt::print("  {:<24} {:<22} {}\n", text_of(v.value("id", json(""))), text_of(v.value("verdict", json(""))), text_of(v.value("reason", json(""))));
  fmt::print("{}\n", written);
}

}  // namespace

void register_report(CLI::App& app, Registry& r) {
  struct Choices {
    std::string out, profile = "quick", assets, docs, ablation, breakdown, from;
    long long jobs = std::max(1u, std::thread::hardware_concurrency());
    bool force = false, json = false;
  };
  auto c = std::make_shared<Choices>();
  auto* cmd = app.add_subcommand("report", "run the standard audit and write one self-contained HTML report (and its data as JSON)");
  cmd->add_option("--out", c->out, "the HTML file to write; beside it its data (report.html -> report.json) and, unless --breakdown is given, the "
                  "breakdown sweep it ran (report.breakdown.jsonl)")->required()->type_name("FILE");
  cmd->add_option("--profile", c->profile, "quick (under 2 min on 2 cores) or full (under 30 min: 2000 layers, the default breakdown sweep)")->type_name("NAME");
  cmd->add_flag("--force", c->force, "overwrite existing output files");
  add_integer(cmd, "--jobs", c->jobs, "audit steps run at once (default: all cores)");
  cmd->add_option("--assets", c->assets, "directory with template.html, report.css, report.js and node_modules (default: the source tree's reports/)")->type_name("DIR");
  cmd->add_option("--docs", c->docs, "directory with findings.md and construction.md (default: the source tree's docs/)")->type_name("DIR");
  cmd->add_option("--ablation", c->ablation, "training ablation to show (default: reports/models/ablation.json when present)")->type_name("FILE");
  cmd->add_option("--breakdown", c->breakdown,
                  "use this breakdown sweep result (JSON lines, e.g. from otverify breakdown or merge) instead of running the profile's sweep")->type_name("FILE");
  cmd->add_option("--from", c->from,
                  "render the HTML from an existing report JSON instead of running the audit (schema otverify-report/2, reports/README.md; "
                  "data of another version renders as a page that says so)")->type_name("FILE");
  cmd->add_flag("--json", c->json, "print the verdicts as JSON instead of a table");
  add_exp_option(cmd);  // passed on to every audit step that runs the forward pass
  cmd->footer("Example: otverify report --profile quick --out report.html\n"
              "Verdicts: holds, fails, holds with caveat, cannot be checked here; each links to its evidence.\n"
              "The page works offline, reads on a phone and prints (each figure as a static image).");
  r.push_back({cmd, [c, cmd] {
    if (c->profile != "quick" && c->profile != "full") throw InputError("--profile must be quick or full (got " + excerpt(c->profile) + ")");
    if (c->jobs < 1 || c->jobs > 256) throw InputError("--jobs must be in [1, 256]");
    const fs::path html_path(c->out);
    fs::path data_path = html_path, sweep_path = html_path;
    data_path.replace_extension(".json");
    sweep_path.replace_extension(".breakdown.jsonl");
    if (!c->breakdown.empty()) sweep_path = c->breakdown;
    if (data_path == html_path) throw InputError("--out must not end in .json (the data is written there)");
    require_writable(c->out, c->force);
    if (c->from.empty()) {
      require_writable(data_path.string(), c->force);
      if (c->breakdown.empty()) require_writable(sweep_path.string(), c->force);
      else read_results(c->breakdown);  // a bad sweep file is bad input, before any work
    }
    const std::string assets_dir = c->assets.empty() ? default_reports_dir() : c->assets;
    const ReportAssets assets = load_report_assets(assets_dir);

    // The sweep file is the audit's own until the report is written: removed if
    // the audit is interrupted or fails (else it would block the next run).
    struct SweepCleanup {
      fs::path path;
      bool keep = false;
      ~SweepCleanup() { std::error_code ec; if (!keep && !path.empty()) fs::remove(path, ec); }
    } cleanup;
    json data;
    if (!c->from.empty()) {
      data = read_json_file(c->from, "report data");
      if (!data.is_object() || !data.contains("provenance") || !data["provenance"].is_object() || !data.contains("verdicts") ||
          !data["verdicts"].is_array())
        throw InputError("report data " + c->from + " lacks a provenance object or a verdicts array");
      // Rendered all the same: the page names both versions instead of drawing wrong figures.
      if (data.value("schema", json("none")) != kReportSchema)
        std::cerr << "otverify: warning: report data " << c->from << " has schema " << text_of(data.value("schema", json("none")))
                  << "; this otverify draws " << kReportSchema << " (the page will say so)\n";
    } else {
      const auto start = std::chrono::steady_clock::now();
      const std::string self = self_executable();
      const fs::path tests = fs::path(self).parent_path() / "property_tests";
      std::error_code ec;
      const std::string property_tests = fs::exists(tests, ec) ? tests.string() : "";
      const fs::path ablation_path = c->ablation.empty() ? fs::path(assets_dir) / "models" / "ablation.json" : fs::path(c->ablation);
      json ablation = nullptr;
      if (!c->ablation.empty() || fs::exists(ablation_path, ec)) ablation = read_json_file(ablation_path, "training ablation");
      // Checked before the audit runs, so a wrong file costs no time.
      if (!ablation.is_null() && !(ablation.is_object() && ablation.contains("engineered") && ablation["engineered"].is_object() &&
                                   ablation.contains("plain") && ablation["plain"].is_object()))
        throw InputError("training ablation " + ablation_path.string() + " is not an otverify ablation (no 'engineered' and 'plain' objects)");
      const json findings = read_findings(c->docs.empty() ? (fs::path(default_reports_dir()).parent_path() / "docs").string() : c->docs);

      install_interrupt_handlers();
      const auto profile = c->profile == "full" ? ReportProfile::full : ReportProfile::quick;
      auto plan = audit_plan(profile, sweep_path.string(), !c->breakdown.empty(), property_tests, static_cast<int>(c->jobs));
      const std::string exp = exp_method_name(exp_method());
      if (cmd->count("--exp") > 0)
        for (AuditStep& step : plan)
          if (step.program.empty() && step.args[0] != "merge") step.args.insert(step.args.end(), {"--exp", exp});
      if (c->breakdown.empty()) cleanup.path = sweep_path;
      json steps = run_audit(plan, self, static_cast<int>(c->jobs));
      if (steps.contains("interrupted")) {
        std::cerr << "otverify: interrupted; no report written\n";
        return kExitInterrupted;
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

      AuditStep invocation{"report", {"report", "--profile", c->profile, "--out", c->out, "--jobs", std::to_string(c->jobs)}};
      if (c->force) invocation.args.push_back("--force");
      if (cmd->count("--exp") > 0) invocation.args.insert(invocation.args.end(), {"--exp", exp});
      if (!c->assets.empty()) invocation.args.insert(invocation.args.end(), {"--assets", c->assets});
      if (!c->ablation.empty()) invocation.args.insert(invocation.args.end(), {"--ablation", c->ablation});
      if (!c->breakdown.empty()) invocation.args.insert(invocation.args.end(), {"--breakdown", c->breakdown});
      json provenance = build_provenance();
      provenance["command_line"] = command_line(invocation);
      provenance["profile"] = c->profile;
      provenance["date"] = utc_now();
      provenance["duration_seconds"] = seconds;
      provenance["jobs"] = c->jobs;
      provenance["frontend"] = assets.library_versions;
      provenance["seeds"] = "instances: the paper's printed examples; generator 'paper' seed 1 (theorem2), seeds 1-3 (--rates), seeds 1 (breakdown); "
                            "RapidCheck: OTV_RC_SEED or its fixed default";
      provenance["ablation"] = ablation.is_null() ? json(nullptr) : json(ablation_path.string());
      data = {{"schema", kReportSchema}, {"provenance", provenance}, {"layout", audit_layout(profile)},
              {"verdicts", to_json(audit_verdicts(audit_evidence(steps, ablation)))},
              {"findings", findings}, {"steps", steps}, {"ablation", ablation}, {"breakdown_cells", breakdown_cells(sweep_path.string())}};
    }
    data = with_nonfinite_names(std::move(data));
    data["provenance"]["html"] = html_path.filename().string();
    // The page links its data: the file written beside it, or the --from file it was rendered from.
    std::error_code ec;
    const std::string from_link = c->from.empty() ? "" : fs::relative(fs::absolute(c->from), fs::absolute(html_path).parent_path(), ec).string();
    data["provenance"]["data"] = c->from.empty() ? data_path.filename().string() : (from_link.empty() ? c->from : from_link);
    if (c->from.empty()) write_file_atomically(data_path.string(), data.dump(1) + "\n", c->force);
    write_file_atomically(c->out, render_report_html(assets, data), c->force);
    cleanup.keep = true;
    const std::string written = !c->from.empty()      ? fmt::format("wrote {} from the data in {}", c->out, c->from)
                                : c->breakdown.empty() ? fmt::format("wrote {}, {} and {}", c->out, data_path.string(), sweep_path.string())
                                                       : fmt::format("wrote {} and {}", c->out, data_path.string());
    emit(data["verdicts"], c->json, [&](const json&) { print_verdicts(data, written); });
    return kExitOk;
  }});
}

}  // namespace otv::cli
