/* A delivery does not wait for the backup: it writes while a group is due or moving. */
/* expect: assertion violated */
#define SKIPS_BACKUP_WAIT
#include "../group_commit.pml"
