#include "cli/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "otv/error.hpp"

namespace otv::cli {

std::string read_input_file(const std::string& path, const std::string& what, std::uintmax_t max_bytes) {
  if (path.empty()) throw InputError(what + ": empty file name");
  // O_NONBLOCK: opening a FIFO without a writer returns at once (then refused as not regular).
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw InputError("cannot read " + what + " " + excerpt(path) + ": " + std::strerror(errno));
  struct Closer { int fd; ~Closer() { ::close(fd); } } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw InputError("cannot read " + what + " " + excerpt(path) + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw InputError(what + " " + excerpt(path) + " is not a regular file");
  const auto limit = [&] {
    return InputError(what + " " + excerpt(path) + " is larger than the limit of " + std::to_string(max_bytes >> 20) + " MiB");
  };
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) throw limit();
  std::string contents;
  contents.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {  // bounded again while reading: the file may grow after fstat
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw InputError("error reading " + what + " " + excerpt(path) + ": " + std::strerror(errno));
    if (got == 0) break;
    if (contents.size() + static_cast<std::size_t>(got) > max_bytes) throw limit();
    contents.append(buffer, static_cast<std::size_t>(got));
  }
  return contents;
}

}  // namespace otv::cli
