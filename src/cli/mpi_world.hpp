#pragma once
// The MPI world of this process. otverify joins MPI only when an MPI launcher started it
// (mpirun, srun: the environment names a rank) and it was built with MPI (OTV_MPI);
// otherwise it is rank 0 of a world of size 1 and behaves exactly as without MPI.
#include <optional>
#include <string>

namespace otv::cli::mpi {

// In main(), before anything else reads rank() or size().
void init(int* argc, char*** argv);
// Before main() returns; a no-op outside MPI.
void finalize();

bool built_with_mpi();
// Non-empty when an MPI launcher started several processes of a build without MPI:
// they would each run the whole command, so main() refuses with this message.
std::string launch_problem();
int rank();        // 0 outside MPI
int size();        // 1 outside MPI
int local_size();  // ranks of this world on this node (1 outside MPI)

// The farm's messages (src/cli/task_farm.cpp).
enum class Tag : int { hello = 1, task, line, done, error, end };
struct Message {
  int source;
  Tag tag;
  std::string text;
};
void send(int dest, Tag tag, const std::string& text);
std::optional<Message> try_receive();  // any source and tag; never blocks

// A collective: true on every rank iff ok on every rank; *message becomes the
// first failing rank's message (so rank 0 can print the one line).
bool all_ok(bool ok, std::string* message);

// Ends every rank of the world with this exit code (a rank that cannot go on).
[[noreturn]] void abort(int code);

}  // namespace otv::cli::mpi
