/* A worker takes the handed connection but leaves the slot full, so the next worker
 * takes the same connection again. */
/* expect: assertion violated (served */
#define TAKE_LEAVES_SLOT
#include "../pool.pml"
