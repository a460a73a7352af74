/* A delivery replies 250 as soon as its record is appended, before any sync covers it. */
/* expect: assertion violated */
#define REPLIES_BEFORE_SYNC
#include "../group_commit.pml"
