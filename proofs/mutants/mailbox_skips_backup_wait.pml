/* A delivery does not wait for the backup. */
/* expect: assertion violated */
#define SKIPS_BACKUP_WAIT
#include "../mailbox.pml"
