/* A delivery does not wait for the backup. */
#define SKIPS_BACKUP_WAIT
#include "../mailbox.pml"
