/* A move that failed taken for one that was made: its messages counted as backed up while
 * they stay in the live file. */
/* expect: assertion violated */
#define FAILED_MOVE_COUNTS_AS_MADE
#include "../group_commit.pml"
