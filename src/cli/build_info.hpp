#pragma once
// What was built: otverify's version and the git commit of the source tree
// (configured by CMake from src/cli/build_info.cpp.in; "unknown" outside git).
namespace otv::cli {

extern const char* const kVersion;
extern const char* const kGitCommit;

}  // namespace otv::cli
