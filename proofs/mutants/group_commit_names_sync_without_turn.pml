/* The backup's sync of the folder without taking a sync's turn: it may run beside a data
 * sync. */
/* expect: assertion violated */
#define NAMES_SYNC_WITHOUT_TURN
#include "../group_commit.pml"
