#include "cli/report_audit.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "cli/app_support.hpp"
#include "cli/breakdown_sweep.hpp"
#include "cli/interrupt.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "study/claims.hpp"
#include "otv/instance.hpp"
#include "otv/error.hpp"
#include "otv/training.hpp"

extern char** environ;

namespace otv::cli {

using namespace otv::study;  // the audited constructions and printed examples (study/claims.hpp)

namespace {

using nlohmann::json;

// The theorem1 steps' scalar types per profile (double always, with the precision ladder).
std::vector<std::string> theorem1_precisions(bool full) {
  return full ? std::vector<std::string>{"double", "float", "long-double", "mpfr:128", "mpfr:256"}
              : std::vector<std::string>{"double", "float", "mpfr:128"};
}
std::string theorem1_step(const std::string& variant, const std::string& scalar) { return fmt::format("theorem1.{}.{}", variant, scalar); }
std::string sorting_step(const std::string& example, const std::string& settings) { return fmt::format("sorting.{}.{}", example, settings); }
std::string patterns_step(const std::string& example) { return fmt::format("patterns.{}", example); }

// The sorting steps' two settings: the paper's (run's default lambda and gamma,
// nullptr here) and the released code's.
struct SortingSettings {
  const char *id, *variant;
  const char *lambda, *gamma, *layers;  // lambda, gamma: nullptr for run's defaults; layers: the depth scanned to
};
// The paper's construction at its stated lambda, gamma, scanned to 2.5 times its A^(2000);
// the released weights at the code's settings to 12000 layers (its 5000 are not enough
// for n = 8: docs/findings.md F8).
constexpr SortingSettings kPaperSettings{"paper", "paper", nullptr, nullptr, "5000"},
    kCodeSettings{"code", "notebook", "0.1", "0.05", "12000"};

// The minimal counterexample to Theorem 1 (docs/findings.md F2).
constexpr const char* kMinimalCounterexample = "generator=uniform,n=2,d=1,seed=0,lambda=1,gamma=0.01,layers=2,variant=paper";

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,:/+") == std::string::npos) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// An XML attribute value's text: the five predefined entities and character
// references (decimal, hex) replaced by the characters they stand for, written
// as UTF-8 (Catch2 writes a property named "a <= b" as "a &lt;= b").
std::string xml_unescape(const std::string& s) {
  static const std::map<std::string, std::string> named{{"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"quot", "\""}, {"apos", "'"}};
  std::string out;
  out.reserve(s.size());
  for (std::size_t k = 0; k < s.size();) {
    const auto semi = s[k] == '&' ? s.find(';', k) : std::string::npos;
    if (semi == std::string::npos || semi - k > 10) { out += s[k++]; continue; }
    const std::string name = s.substr(k + 1, semi - k - 1);
    if (const auto it = named.find(name); it != named.end()) out += it->second;
    else if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      const std::string digits = name.substr(hex ? 2 : 1);
      char* end = nullptr;
      const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (digits.empty() || *end != '\0' || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { out += s[k++]; continue; }
      if (cp < 0x80) out += static_cast<char>(cp);
      else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
      else if (cp < 0x10000) { out += static_cast<char>(0xE0 | (cp >> 12)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
      else { out += static_cast<char>(0xF0 | (cp >> 18)); out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
    } else { out += s[k++]; continue; }
    k = semi + 1;
  }
  return out;
}

// Catch2's XML report: the name and outcome of each test case.
json parse_catch2_xml(const std::string& xml) {
  json cases = json::array();
  static const std::regex test_case(R"re(<TestCase name="([^"]*)")re"), outcome(R"re(<OverallResult success="(true|false)")re");
  auto it = std::sregex_iterator(xml.begin(), xml.end(), test_case);
  for (; it != std::sregex_iterator(); ++it) {
    const auto rest = xml.begin() + (it->position(0) + it->length(0));
    std::smatch m;
    if (std::regex_search(rest, xml.end(), m, outcome)) cases.push_back({{"name", xml_unescape((*it)[1].str())}, {"success", m[1].str() == "true"}});
  }
  return {{"cases", cases}};
}

struct ChildOutput {
  int exit_code = -1;
  std::string out, err;
};

// Runs program with args; stdout through a pipe, stderr into a temporary file
// (so neither can fill up and block the child), or straight to ours when
// show_stderr (a long step's own progress display). pid_out gets the child's id.
ChildOutput run_child(const std::string& program, const std::vector<std::string>& args, bool show_stderr, std::atomic<pid_t>& pid_out) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  char err_path[] = "/tmp/otverify-report-XXXXXX";
  const int err_fd = ::mkstemp(err_path);
  if (err_fd < 0) throw std::runtime_error(std::string("mkstemp: ") + std::strerror(errno));
  ::unlink(err_path);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  if (!show_stderr) posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<std::string> argv_text{program};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  ChildOutput r;
  if (rc != 0) {
    ::close(fds[0]);
    ::close(err_fd);
    r.err = "cannot start " + program + ": " + std::strerror(rc);
    return r;
  }
  pid_out = pid;
  char buf[65536];
  for (;;) {
    const ssize_t k = ::read(fds[0], buf, sizeof buf);
    if (k > 0) r.out.append(buf, static_cast<std::size_t>(k));
    else if (k == 0 || errno != EINTR) break;
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  pid_out = -1;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::lseek(err_fd, 0, SEEK_SET);
  for (ssize_t k; (k = ::read(err_fd, buf, sizeof buf)) > 0;) r.err.append(buf, static_cast<std::size_t>(k));
  ::close(err_fd);
  return r;
}

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  const auto nl = t.rfind('\n');
  std::string line = nl == std::string::npos ? t : t.substr(nl + 1);
  const auto cr = line.rfind('\r');  // progress bars redraw with \r
  return cr == std::string::npos ? line : line.substr(cr + 1);
}


}  // namespace

std::string command_line(const AuditStep& step) {
  std::string s = step.program.empty() ? "otverify" : step.program;
  for (const auto& a : step.args) s += " " + shell_quote(a);
  return s;
}

std::vector<AuditStep> audit_plan(ReportProfile profile, const std::string& breakdown_file, bool reuse_breakdown, const std::string& property_tests,
                                  int jobs) {
  const bool full = profile == ReportProfile::full;
  const std::string t1_layers = full ? "2000" : "50";
  std::vector<AuditStep> steps;
  // Theorem 1 on the paper's example (lambda 0.005, gamma 0.01): each variant in
  // double with the precision ladder, and per layer in further precisions.
  for (const char* v : kVariants) {
    std::vector<std::string> args{"theorem1", "--variant", v, "--layers", t1_layers, "--json"};
    // The failure at layer 2 needs no deep enclosures: 256 bits certify it (widths grow
    // about 1.1 bits per layer, docs/error-model.md), where the depth-scaled default
    // (128 + 2 x layers bits over all layers) would dominate the full profile.
    if (std::string(v) == "paper" || std::string(v) == "notebook") args.insert(args.end() - 1, {"--certify", "--certify-bits", "256"});
    steps.push_back({theorem1_step(v, "double"), args});
    for (const auto& p : theorem1_precisions(full))
      if (p != "double") steps.push_back({theorem1_step(v, p), {"theorem1", "--variant", v, "--layers", t1_layers, "--scalar", p, "--ladder", p, "--json"}});
  }
  steps.push_back({"theorem1.minimal_counterexample", {"theorem1", "--replay", kMinimalCounterexample, "--certify", "--json"}});
  // Outside corrected's domain: a ladder to 2048 bits and deep enough (700 layers) for the
  // depth at which the sink's unstable perturbation reaches a fixed size to show at 2048 bits (F3).
  steps.push_back({"theorem1.corrected_outside_domain",
                   {"theorem1", "--variant", "corrected", "--lambda", "0.001", "--gamma", "0.05", "--layers", "700", "--ladder",
                    "double,mpfr:128,mpfr:256,mpfr:512,mpfr:1024,mpfr:2048", "--json"}});
  // Theorem 2 where its precondition is reachable, at the paper's lambda, and the rates.
  // Depths past the precondition's l (about 2.5e3 at lambda = 0.5, 1.5e3 at 0.005, with r
  // at its most favourable scaling, F4), so that the bound applies.
  steps.push_back({"theorem2.main", {"theorem2", "--generator", "paper", "--n", "4", "--lambda", "0.5", "--gamma", "0.5", "--layers",
                                     full ? "5000" : "3000", "--json"}});
  steps.push_back({"theorem2.paper_lambda", {"theorem2", "--lambda", "0.005", "--gamma", "0.01", "--layers", "2000", "--json"}});
  steps.push_back({"theorem2.rates", {"theorem2", "--generator", "paper", "--n", "4", "--lambda", "0.5", "--gamma", "0.05", "--layers",
                                      full ? "256" : "64", "--rates", "--json"}});
  // The printed sorting examples under the paper's and the released code's settings,
  // and the attention patterns of Figures 1-2 (same weights for n = 4 and n = 8).
  // Each is scanned in depth (the readout every kSortingScanStep layers): the paper's
  // construction at its stated lambda, gamma to 2.5 times its A^(2000), and the
  // released weights (notebook) at the code's settings to 12000 layers (its 5000 are
  // not enough for n = 8: docs/findings.md F8).
  auto depth_grid = [](long long layers) {
    std::string g;
    for (long long k = 0; k <= layers; k += kSortingScanStep) g += (g.empty() ? "" : ",") + std::to_string(k);
    return g;
  };
  for (const auto& e : kPrintedExamples) {
    steps.push_back({sorting_step(e.id, kPaperSettings.id),
                     {"run", "--variant", kPaperSettings.variant, "--x", e.x, "--y", e.y_paper, "--layers", kPaperSettings.layers,
                      "--patterns-at", depth_grid(std::stoll(kPaperSettings.layers)), "--json"}});
    steps.push_back({sorting_step(e.id, kCodeSettings.id),
                     {"run", "--variant", kCodeSettings.variant, "--x", e.x, "--y", e.y_code, "--lambda", kCodeSettings.lambda, "--gamma",
                      kCodeSettings.gamma, "--layers", kCodeSettings.layers, "--patterns-at", depth_grid(std::stoll(kCodeSettings.layers)), "--json"}});
    steps.push_back({patterns_step(e.id),
                     {"run", "--x", e.x, "--y", e.y_paper, "--layers", "600", "--patterns-at", "0,1,10,30,100,300,600", "--json"}});
  }
  // The breakdown map: a small grid (quick) or the default sweep (full), or a given sweep result.
  if (reuse_breakdown) {
    steps.push_back({"breakdown", {"merge", breakdown_file, "--json"}});
  } else {
    std::vector<std::string> sweep{"breakdown"};
    // --points asks for the grid map (without a range, breakdown searches the numeric thresholds instead).
    if (!full) sweep.insert(sweep.end(), {"--n", "4,16", "--scalars", "float,double,long-double", "--points", "10", "--layers", "50", "--bisect", "2"});
    else sweep.insert(sweep.end(), {"--points", std::to_string(SweepOptions{}.points)});
    sweep.insert(sweep.end(), {"--jobs", std::to_string(jobs), "--out", breakdown_file, "--force", "--json"});
    steps.push_back({"breakdown", sweep, true});
  }
  // Each type's numeric threshold, searched to the bottom (E7), and the depth needed (E9).
  std::vector<std::string> search{"breakdown", "--softmax", "stable", "--n", full ? "4,16" : "4"};
  if (!full) search.insert(search.end(), {"--scalars", "float,double,long-double", "--holdout", "none", "--no-depth"});
  search.insert(search.end(), {"--jobs", std::to_string(jobs), "--json"});
  steps.push_back({"breakdown.search", search, true});
  // The Hilbert-metric facts: the RapidCheck properties, when built.
  if (!property_tests.empty()) steps.push_back({"hilbert", {"[hilbert]", "-r", "xml"}, false, true, property_tests});
  return steps;
}

json audit_layout(ReportProfile profile) {
  const bool full = profile == ReportProfile::full;
  // theorem1's and run's default instance and settings: the paper's example (Sec. 6).
  const RunOptions defaults;
  const double n = static_cast<double>(load_instance(defaults.instance).n()), lambda = std::stod(defaults.lambda);
  json variants = json::array(), per_layer = json::array(), doubles = json::object();
  for (const char* v : kVariants) {
    variants.push_back(v);
    doubles[v] = theorem1_step(v, "double");
    for (const auto& p : theorem1_precisions(full)) per_layer.push_back({{"variant", v}, {"scalar", p}, {"step", theorem1_step(v, p)}});
  }
  json sorting = json::array();
  for (const auto& e : kPrintedExamples)
    sorting.push_back({{"id", e.id}, {"paper", sorting_step(e.id, kPaperSettings.id)}, {"code", sorting_step(e.id, kCodeSettings.id)},
                       {"patterns", patterns_step(e.id)}, {"verdict", fmt::format("sorting-{}", e.id)}});
  auto settings = [&](const SortingSettings& s) {
    return json{{"variant", s.variant}, {"lambda", std::stod(s.lambda ? s.lambda : defaults.lambda)},
                {"gamma", std::stod(s.gamma ? s.gamma : defaults.gamma)}, {"layers", std::stoll(s.layers)}};
  };
  return {{"variants", variants},
          {"theorem1", {{"instance", {{"n", n}, {"lambda", lambda}, {"gamma", std::stod(defaults.gamma)}}},
                        {"sink_fixed_point", -2 * lambda * std::log(n)},  // of the sink's u iteration (docs/findings.md F1)
                        {"per_layer", per_layer},
                        {"double", doubles},
                        {"minimal_counterexample", "theorem1.minimal_counterexample"}}},
          {"theorem2", {{"main", "theorem2.main"}, {"paper_lambda", "theorem2.paper_lambda"}, {"rates", "theorem2.rates"}}},
          {"sorting", {{"examples", sorting}, {"settings", {{"paper", settings(kPaperSettings)}, {"code", settings(kCodeSettings)}}}}},
          {"breakdown", "breakdown"},
          {"breakdown_search", "breakdown.search"},
          {"hilbert", "hilbert"}};
}

json run_audit(const std::vector<AuditStep>& steps, const std::string& self, int jobs) {
  json results = json::object();
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::size_t> queue;
  for (std::size_t k = 0; k < steps.size(); ++k)
    if (!steps[k].exclusive) queue.push_back(k);
  for (std::size_t k = 0; k < steps.size(); ++k)
    if (steps[k].exclusive) queue.push_back(k);
  std::size_t finished = 0, running_exclusive = 0, running = 0;
  std::string failure;
  std::vector<std::atomic<pid_t>> pids(static_cast<std::size_t>(jobs));
  for (auto& p : pids) p = -1;
  Progress progress(fmt::format("report: {} steps", steps.size()), static_cast<long long>(steps.size()));

  auto work = [&](std::size_t slot) {
    for (;;) {
      std::size_t k;
      {
        std::unique_lock lock(mutex);
        // An exclusive step waits until it can run alone; nothing starts beside it.
        changed.wait(lock, [&] {
          return queue.empty() || !failure.empty() || interrupted() ||
                 (running_exclusive == 0 && (!steps[queue.front()].exclusive || running == 0));
        });
        if (queue.empty() || !failure.empty() || interrupted()) return;
        k = queue.front();
        queue.pop_front();
        ++running;
        if (steps[k].exclusive) ++running_exclusive;
      }
      const AuditStep& s = steps[k];
      const auto start = std::chrono::steady_clock::now();
      // An exclusive step runs alone and long (the breakdown sweep): its own progress bar shows.
      ChildOutput out = run_child(s.program.empty() ? self : s.program, s.args, s.exclusive, pids[slot]);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      json r = {{"command", command_line(s)}, {"seconds", seconds}, {"exit_code", out.exit_code}};
      std::string error;
      if (out.exit_code != 0) {
        error = last_line(out.err).empty() ? fmt::format("exit code {}{}", out.exit_code, s.exclusive ? " (its messages are above)" : "")
                                           : last_line(out.err);
      } else if (s.program.empty()) {
        try {
          r["result"] = json::parse(out.out);
        } catch (const json::exception& e) {
          error = std::string("output is not JSON: ") + e.what();
        }
      } else {
        r["result"] = parse_catch2_xml(out.out);
      }
      if (!error.empty()) r["error"] = error;
      std::lock_guard lock(mutex);
      results[s.id] = r;
      ++finished;
      --running;
      if (s.exclusive) --running_exclusive;
      if (!error.empty() && !s.optional && out.exit_code != 3 && failure.empty())
        failure = fmt::format("report step `{}` failed: {}", command_line(s), error);
      changed.notify_all();
    }
  };
  {
    std::vector<std::thread> workers;
    for (int j = 0; j < jobs; ++j) workers.emplace_back(work, static_cast<std::size_t>(j));
    std::size_t shown = 0;
    for (;;) {
      std::unique_lock lock(mutex);
      changed.wait_for(lock, std::chrono::milliseconds(200));
      if (finished > shown) { progress.advance(static_cast<long long>(finished - shown)); shown = finished; }
      progress.quiet(running_exclusive > 0);
      if (interrupted()) {
        for (auto& p : pids)
          if (p > 0) ::kill(p, SIGTERM);
        changed.notify_all();
      }
      if (finished == steps.size() || ((!failure.empty() || interrupted()) && running == 0)) break;
    }
    changed.notify_all();
    for (auto& w : workers) w.join();
  }
  if (interrupted()) results["interrupted"] = true;
  else if (!failure.empty()) throw std::runtime_error(failure);
  return results;
}

json read_findings(const std::string& docs_dir) {
  json out = json::array();
  static const std::regex heading(R"re(^## ([FRT][0-9]+) \S+ (.*)$)re"), command("`(otverify [^`]*)`");
  for (const char* file : {"findings.md", "construction.md"}) {
    const std::string path = docs_dir + "/" + file;
    std::ifstream in(path);
    if (!in) throw InputError("cannot read " + path + " (the findings)");
    json* current = nullptr;
    bool in_summary = false;
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_match(line, m, heading)) {
        out.push_back({{"id", m[1].str()}, {"title", m[2].str()}, {"summary", ""}, {"reproducers", json::array()},
                       {"source", std::string("docs/") + file}});
        current = &out.back();
        in_summary = true;
        continue;
      }
      if (line.rfind("#", 0) == 0) { current = nullptr; continue; }
      if (!current) continue;
      // The summary (markdown, its line breaks kept so that lists, tables and code
      // blocks stay what they are) is the leading blocks up to the first that ends a
      // sentence: a paragraph ending in "shrinks to" goes on into the display below it.
      // It stops before the reproducer; reproducers are quoted anywhere in the section.
      if (in_summary) {
        std::string summary = (*current)["summary"];
        const bool block_start = summary.empty() || summary.ends_with("\n\n");
        if (line.empty()) {
          std::string last = summary.substr(0, summary.find_last_not_of('\n') + 1);
          last = last.substr(last.rfind('\n') + 1);
          while (!last.empty() && (last.back() == ' ' || last.back() == ')')) last.pop_back();
          if (!last.empty() && last.back() == '.') in_summary = false;
          else if (!block_start) summary += "\n";
        } else if (block_start && (line.starts_with("Reproduce") || line.starts_with("Test"))) {
          in_summary = false;
        } else {
          summary += line + "\n";
        }
        (*current)["summary"] = summary;
      }
      for (auto it = std::sregex_iterator(line.begin(), line.end(), command); it != std::sregex_iterator(); ++it) {
        json& r = (*current)["reproducers"];
        if (std::find(r.begin(), r.end(), (*it)[1].str()) == r.end()) r.push_back((*it)[1].str());
      }
    }
  }
  for (auto& f : out) {
    std::string summary = f["summary"];
    f["summary"] = summary.erase(summary.find_last_not_of('\n') + 1);
  }
  return out;
}

}  // namespace otv::cli
