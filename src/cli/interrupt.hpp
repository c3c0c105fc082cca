#pragma once
// SIGINT/SIGTERM during long work: the handler only sets a flag; loops poll it,
// flush what they finished and return kExitInterrupted (3).
namespace otv::cli {

// Installs the handlers (idempotent).
void install_interrupt_handlers();

// True once SIGINT or SIGTERM arrived.
bool interrupted();

}  // namespace otv::cli
