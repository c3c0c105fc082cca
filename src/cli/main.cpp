// otverify: formal-numerics verification of the transformer OT construction.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

#include "cli/app_support.hpp"
#include "cli/mpi_world.hpp"
#include "otv/block_exp.hpp"
#include "otv/error.hpp"
#include "otv_build_info.hpp"  // generated at build time (cmake/build_info.cmake)

namespace {
// The subcommands that spread their work over MPI ranks; any other runs in one process.
bool runs_under_mpi(const CLI::App& app) {
  for (const char* name : {"breakdown", "theorem1"})
    if (app.get_subcommand(name)->parsed()) return true;
  return false;
}

// An error message as one short line: control bytes escaped and the length
// capped, whatever input a message quotes (CLI11 repeats bad arguments whole).
std::string one_line(const std::string& message) {
  constexpr std::size_t kMaxLength = 400;
  std::string out;
  for (const char ch : message.substr(0, kMaxLength)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += ch;
  }
  if (message.size() > kMaxLength) out += fmt::format("... ({} bytes)", message.size());
  return out;
}

// An empty value never means "use the default": `--x "$X"` with X unset must
// not run the paper's example (exit 2 instead, like any malformed input).
void require_nonempty_values(const CLI::App& command) {
  for (const CLI::Option* opt : command.get_options())
    if (opt->count() > 0 && opt->get_expected_min() > 0)
      for (const auto& value : opt->results())
        if (value.empty()) throw otv::InputError(opt->get_name() + ": empty value");
}

// Levenshtein distance, for the nearest command name.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// CLI11 says only "A subcommand is required" for a misspelled one: name it and
// suggest the nearest command.
void require_known_command(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return;
  const std::string given = argv[1];
  std::string nearest, all;
  std::size_t best = std::string::npos;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    const std::string& name = command->get_name();
    if (name == given) return;
    all += (all.empty() ? "" : ", ") + name;
    if (const std::size_t d = edit_distance(given, name); d < best) best = d, nearest = name;
  }
  throw otv::InputError("unknown command " + otv::excerpt(given) + (best <= 3 ? "; did you mean '" + nearest + "'?" : "") +
                        " (commands: " + all + ")");
}

// CLI11's parse errors in otverify's style: one lowercase line that names the
// command and says what to give instead.
std::string parse_error_line(CLI::App& app, const CLI::ParseError& e) {
  CLI::App* command = &app;
  for (CLI::App* sub : app.get_subcommands())
    if (sub->parsed()) command = sub;
  const std::string help = command == &app ? "otverify --help" : "otverify " + command->get_name() + " --help";
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    std::string extras;
    for (const std::string& arg : command->remaining()) extras += (extras.empty() ? "" : " ") + otv::excerpt(arg);
    return "unexpected argument" + std::string(command->remaining_size() > 1 ? "s " : " ") + extras + " (see '" + help + "')";
  }
  std::string message = e.what();
  static const std::pair<std::regex, const char*> rewrites[] = {
      {std::regex("^(\\S+): [0-9]+ required (\\S+) missing$"), "$1 needs a value ($2)"},
      {std::regex("^(\\S+): At Most [0-9]+ required but received ([0-9]+)$"),
       "$1 takes one value, given $2 (give it once; a list is one comma-separated value)"},
      {std::regex("^(\\S+) excludes (\\S+)$"), "$1 cannot be combined with $2"},
      {std::regex("^A subcommand is required$"), "give a command (see 'otverify --help')"},
      {std::regex("^(\\S+): (\\S*) not in \\{(.*)\\}$"), "$1 must be one of $3 (got '$2')"},
  };
  for (const auto& [pattern, replacement] : rewrites)
    if (std::regex_match(message, pattern)) { message = std::regex_replace(message, pattern, replacement); break; }
  if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  return one_line(message);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace otv::cli;
  mpi::init(&argc, &argv);
  const struct Finalize {
    ~Finalize() { mpi::finalize(); }
  } finalize;
  try {
    otv::active_isa();  // OTV_ISA (if set) is checked before anything runs
  } catch (const otv::InputError& e) {
    std::cerr << "otverify: error: " << e.what() << "\n";
    return kExitBadInput;
  }
  CLI::App app{"otverify: does a transformer with hand-built weights solve entropic optimal transport?"};
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok, 1 a checked claim failed (--strict), 2 bad input (one line on stderr), 3 interrupted, 4 internal error.\n"
             "Limits (n, d, layers, precision, file sizes, memory): README, section Limits.");
  app.set_version_flag("--version", std::string("otverify ") + OTV_VERSION + " (commit " + OTV_GIT_COMMIT +
                                        (OTV_GIT_DIRTY ? ", with uncommitted changes" : "") + ")\n" +
                                        "kernels: " + otv::isa_name(otv::active_isa()) + " (detected " + otv::isa_name(otv::detected_isa()) +
                                        "; OTV_ISA=baseline|avx2|avx512 caps it), exp: SLEEF " + std::to_string(SLEEF_VERSION_MAJOR) + "." +
                                        std::to_string(SLEEF_VERSION_MINOR) + "." + std::to_string(SLEEF_VERSION_PATCHLEVEL) +
                                        " cinz u10 (--exp vector, default) or libm\n" +
                                        (mpi::built_with_mpi() ? "MPI: yes (mpirun otverify breakdown | theorem1 --trials)" : "MPI: no"));
  Registry commands;
  register_run(app, commands);
  register_theorem1(app, commands);
  register_theorem2(app, commands);
  register_breakdown(app, commands);
  register_merge(app, commands);
  register_advise(app, commands);
  register_train(app, commands);
  register_report(app, commands);

  try {
    require_known_command(app, argc, argv);
  } catch (const otv::InputError& e) {
    std::cerr << "otverify: error: " << e.what() << "\n";
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "otverify: error: " << parse_error_line(app, e) << "\n";
    return kExitBadInput;
  }

  if (const std::string problem = mpi::launch_problem(); !problem.empty()) {
    std::cerr << "otverify: error: " << problem << "\n";
    return kExitBadInput;
  }
  if (mpi::size() > 1 && !runs_under_mpi(app)) {
    if (mpi::rank() == 0) std::cerr << "otverify: error: only breakdown and theorem1 --trials run under MPI; start this command without mpirun\n";
    return kExitBadInput;
  }
  try {
    for (const auto& c : commands)
      if (c.app->parsed()) {
        require_nonempty_values(*c.app);
        return c.run();
      }
  } catch (const otv::InputError& e) {
    std::cerr << "otverify: error: " << one_line(e.what()) << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "otverify: internal error" << (mpi::size() > 1 ? " on rank " + std::to_string(mpi::rank()) : "") << ": " << one_line(e.what()) << "\n";
    if (mpi::size() > 1) mpi::abort(kExitInternal);  // the other ranks may be waiting for this one
    return kExitInternal;
  }
  return kExitInternal;
}
