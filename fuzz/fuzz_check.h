// FUZZ_CHECK: a property every input must keep. When one breaks, the fuzzer prints what broke
// and aborts, so libFuzzer saves the input as a crash artifact and the run fails.
//
//   FUZZ_CHECK(decoded == original, "UriDecode(UriEncode(s)) != s");
//
// Thread safety: a macro; aborting is process-wide.
#ifndef PLUTON_FUZZ_FUZZ_CHECK_H_
#define PLUTON_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                       \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "%s:%d: property broken: %s (%s)\n", __FILE__, __LINE__, what, \
                   #condition);                                                           \
      std::abort();                                                                       \
    }                                                                                     \
  } while (false)

#endif  // PLUTON_FUZZ_FUZZ_CHECK_H_
