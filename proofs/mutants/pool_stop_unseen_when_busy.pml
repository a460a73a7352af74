/* The acceptor sees the stop only when a worker is idle: with every worker busy in a session
 * that only the drain ends, the stop waits for ever (the bug smtpd had). */
/* expect: invalid end state */
#define STOP_UNSEEN_WHEN_BUSY
#include "../pool.pml"
