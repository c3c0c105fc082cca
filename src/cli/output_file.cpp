#include "cli/output_file.hpp"

#include <fcntl.h>
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
  const auto status = std::filesystem::symlink_status(path, ec);
  if (std::filesystem::exists(status)) {
    if (!force) throw InputError(excerpt(path) + " exists; pass --force to overwrite it");
    // --force replaces files by rename: never a device (/dev/full), FIFO, directory or link target.
    if (!std::filesystem::is_regular_file(status)) throw InputError(excerpt(path) + " is not a regular file; otverify replaces only regular files");
  }
  const auto dir = std::filesystem::absolute(path, ec).parent_path();
  if (!std::filesystem::is_directory(dir, ec)) throw InputError("cannot write " + excerpt(path) + ": no directory " + excerpt(dir.string()));
  // Create and remove a probe file: the only check that holds for root, ACLs and
  // read-only mounts alike, done before the work instead of failing after it.
  const std::string probe = (dir / (".otverify-probe." + std::to_string(::getpid()))).string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw InputError("cannot write " + excerpt(path) + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
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
