// ScratchDir: the fuzzing process's own temporary directory (under $TMPDIR), created on first
// use and removed with everything in it when the process exits normally.
//
//   const std::string root = pluton::fuzz::ScratchDir().Sub("objects");
//
// Thread safety: thread-safe (a function-local static).
#ifndef PLUTON_FUZZ_SCRATCH_DIR_H_
#define PLUTON_FUZZ_SCRATCH_DIR_H_

#include "common/temp_dir.h"

namespace pluton::fuzz {

inline const testing::TempDir& ScratchDir() {
  static const testing::TempDir dir("pluton-fuzz-");
  return dir;
}

}  // namespace pluton::fuzz

#endif  // PLUTON_FUZZ_SCRATCH_DIR_H_
