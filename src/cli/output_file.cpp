#include "cli/output_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "otv/error.hpp"

namespace otv::cli {

void require_writable(const std::string& path, bool force) {
  if (path.empty()) throw InputError("empty output path");
  std::error_code ec;
  if (!force && std::filesystem::exists(path, ec))
    throw InputError(path + " exists; pass --force to overwrite it");
  const auto dir = std::filesystem::absolute(path, ec).parent_path();
  if (!std::filesystem::is_directory(dir, ec)) throw InputError("cannot write " + path + ": no directory " + dir.string());
}

void write_file_atomically(const std::string& path, const std::string& contents, bool force) {
  require_writable(path, force);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError("cannot write " + tmp + ": " + std::strerror(errno));
    out << contents;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw InputError("cannot write " + tmp + ": " + std::strerror(errno));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw InputError("cannot rename " + tmp + " to " + path + ": " + why);
  }
}

}  // namespace otv::cli
