/* The acceptor accepts without waiting for an idle worker. */
#define EAGER_ACCEPTOR
#include "../pool.pml"
