// Debian: libopenblas-dev puts cblas.h under /usr/include/x86_64-linux-gnu (on the default include
// path through the multiarch directory); liblapacke-dev puts lapacke.h in /usr/include.
#include <cblas.h>
#include <lapacke.h>
