/* Pool::stop wakes one waiting worker where it must wake them all. */
/* expect: invalid end state */
#define STOP_WAKES_ONE
#include "../pool.pml"
