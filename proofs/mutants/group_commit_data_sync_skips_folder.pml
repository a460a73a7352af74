/* A data sync that does not sync the folder first: a record of the new live file is
 * acknowledged while the rename that names it may not survive a crash. */
/* expect: assertion violated */
#define DATA_SYNC_SKIPS_FOLDER
#include "../group_commit.pml"
