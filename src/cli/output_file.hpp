#pragma once
// Result files: written atomically (temporary file in the same directory, then
// rename), never overwriting an existing file unless the user said --force.
#include <string>

namespace otv::cli {

// Throws InputError if path exists and !force, or if it cannot be written.
void write_file_atomically(const std::string& path, const std::string& contents, bool force);

// Throws InputError if path exists and !force (checked before long work starts).
void require_writable(const std::string& path, bool force);

}  // namespace otv::cli
