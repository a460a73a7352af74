/* A waiting delivery takes the end of any sync for the end of one that covers its number. */
/* expect: assertion violated */
#define WAKES_ON_ANY_SYNC
#include "../group_commit.pml"
