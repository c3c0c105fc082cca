#include "cli/mpi_world.hpp"

#include <cstdlib>
#include <vector>

#ifdef OTV_HAVE_MPI
#include <mpi.h>
#endif

namespace otv::cli::mpi {
namespace {
int g_rank = 0, g_size = 1, g_local_size = 1;
[[maybe_unused]] bool g_active = false;

// Set by the launchers otverify supports: Open MPI's mpirun, and PMI/PMIx (srun, MPICH).
[[maybe_unused]] bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}
}  // namespace

#ifdef OTV_HAVE_MPI
bool built_with_mpi() { return true; }
std::string launch_problem() { return ""; }

void init(int* argc, char*** argv) {
  if (!launched_by_mpi()) return;
  MPI_Init(argc, argv);
  g_active = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_rank, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &g_local_size);
  MPI_Comm_free(&node);
}

void finalize() {
  if (g_active) MPI_Finalize();
  g_active = false;
}

void send(int dest, Tag tag, const std::string& text) {
  if (!g_active) return;
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, dest, static_cast<int>(tag), MPI_COMM_WORLD);
}

std::optional<Message> try_receive() {
  if (!g_active) return std::nullopt;
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
  if (!flag) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return Message{status.MPI_SOURCE, static_cast<Tag>(status.MPI_TAG), std::move(text)};
}

bool all_ok(bool ok, std::string* message) {
  if (!g_active || g_size == 1) return ok;
  // The lowest failing rank, or g_size when every rank is fine.
  int mine = ok ? g_size : g_rank, first = g_size;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (first == g_size) return true;
  int length = static_cast<int>(message->size());
  MPI_Bcast(&length, 1, MPI_INT, first, MPI_COMM_WORLD);
  std::vector<char> text(message->begin(), message->end());
  text.resize(static_cast<std::size_t>(length));
  MPI_Bcast(text.data(), length, MPI_CHAR, first, MPI_COMM_WORLD);
  message->assign(text.begin(), text.end());
  return false;
}

void abort(int code) {
  if (g_active) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}
#else
bool built_with_mpi() { return false; }
std::string launch_problem() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* n = std::getenv(v); n != nullptr && std::string(n) != "1")
      return "this otverify was built without MPI (OTV_MPI=OFF or no libopenmpi-dev): run it without mpirun/srun, or rebuild with MPI";
  return "";
}
void init(int*, char***) {}
void finalize() {}
void send(int, Tag, const std::string&) {}
std::optional<Message> try_receive() { return std::nullopt; }
bool all_ok(bool ok, std::string*) { return ok; }
void abort(int code) { std::_Exit(code); }
#endif

int rank() { return g_rank; }
int size() { return g_size; }
int local_size() { return g_local_size; }

}  // namespace otv::cli::mpi
