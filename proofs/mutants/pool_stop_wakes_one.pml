/* Pool::stop wakes one waiting worker where it must wake them all (three workers: the two
 * stops, the signal's and the acceptor's, could wake two). */
/* expect: invalid end state */
#define N 3
#define STOP_WAKES_ONE
#include "../pool.pml"
