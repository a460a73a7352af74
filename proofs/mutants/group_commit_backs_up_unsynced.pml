/* The backup moves a due group before a sync has covered it. */
/* expect: assertion violated */
#define BACKS_UP_UNSYNCED
#include "../group_commit.pml"
