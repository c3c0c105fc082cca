// otverify: formal-numerics verification of the transformer OT construction.
#include <iostream>

#include "cli/app_support.hpp"
#include "otv/block_exp.hpp"
#include "otv/error.hpp"
#include "otv_build_info.hpp"  // generated at build time (cmake/build_info.cmake)

int main(int argc, char** argv) {
  using namespace otv::cli;
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
                                        " cinz u10 (--exp vector, default) or libm");
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

  try {
    for (const auto& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const otv::InputError& e) {
    std::cerr << "otverify: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "otverify: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitInternal;
}
