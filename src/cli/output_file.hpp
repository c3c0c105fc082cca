#pragma once
// Result files: written atomically (temporary file in the same directory, then
// rename), never overwriting an existing file unless the user said --force.
#include <string>

namespace otv::cli {

// Throws InputError if path exists and !force, or if it cannot be written.
void write_file_atomically(const std::string& path, const std::string& contents, bool force);

// Throws InputError, before long work starts, if path exists and !force, exists
// and is not a regular file (even with force), or its directory does not let
// us create a file.
void require_writable(const std::string& path, bool force);

}  // namespace otv::cli
