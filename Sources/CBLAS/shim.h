// OpenBLAS's C interface (Debian: libopenblas-dev), imported into Swift as the `CBLAS` module.
#include <cblas.h>
