/* The acceptor accepts without waiting for an idle worker. */
/* expect: assertion violated */
#define EAGER_ACCEPTOR
#include "../pool.pml"
