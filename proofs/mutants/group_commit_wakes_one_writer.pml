/* The end of a move wakes one waiting writer where it must wake them all. */
/* expect: invalid end state */
#define WAKES_ONE_WRITER
#include "../group_commit.pml"
