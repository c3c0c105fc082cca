// otverify: formal-numerics verification of the transformer OT construction.
#include <iostream>

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
  register_train(app, commands);
  register_report(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "otverify: error: " << e.what() << "\n";
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
      if (c.app->parsed()) return c.run();
  } catch (const otv::InputError& e) {
    std::cerr << "otverify: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "otverify: internal error" << (mpi::size() > 1 ? " on rank " + std::to_string(mpi::rank()) : "") << ": " << e.what() << "\n";
    if (mpi::size() > 1) mpi::abort(kExitInternal);  // the other ranks may be waiting for this one
    return kExitInternal;
  }
  return kExitInternal;
}
