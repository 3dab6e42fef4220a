// libFuzzer's entry point for programs that have a main of their own ("Using libFuzzer as a
// library" in LLVM's libFuzzer documentation). Defined by the runtime that `-sanitize=fuzzer`
// links; declared here only, so a fuzz target links only in a fuzzing build.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *_Nonnull argc, char *_Nullable *_Nullable *_Nonnull argv,
                        int (*_Nonnull callback)(const uint8_t *_Nonnull data, size_t size));
