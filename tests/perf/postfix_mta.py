"""A real Postfix MTA for the peer bench: Debian's postfix unpacked in build/peers (not
installed, and no system Postfix started), run in the foreground by its master with a
configuration of its own in a scratch folder. It accepts mail into its queue and delivers
none of it (every transport deferred), so the queue is its store: its cleanup fsyncs each
queue file before the 250, as smtpd --durability sync syncs before its own.

    argv, env = prepare(root, port, folder)   # then run argv with env, as root
    count_queued(folder)                      # the messages its queue holds
"""
import os
import subprocess

MAIN_CF = """compatibility_level = 3.6
queue_directory = {folder}/queue
data_directory = {folder}/data
command_directory = {root}/usr/sbin
daemon_directory = {root}/usr/lib/postfix/sbin
shlib_directory = {root}/usr/lib/postfix
meta_directory = {folder}/conf
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = bench.postable.test
mydestination = postable.test
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_recipient_restrictions = permit_mynetworks, reject
defer_transports = local, smtp, relay, virtual, lmtp, error
maillog_file = /dev/stdout
biff = no
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C LD_LIBRARY_PATH={root}/usr/lib/postfix
"""

# The services a master needs to accept and queue mail, and the bench's smtp listener.
MASTER_CF = """127.0.0.1:{port} inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

QUEUES = ("incoming", "active", "deferred", "hold")


def prepare(root, port, folder):
    """Writes the configuration into `folder` and makes the queue; returns the command that
    runs the master in the foreground and its environment."""
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(root, "usr", "lib", "postfix"))
    conf = os.path.join(folder, "conf")
    os.makedirs(conf)
    os.makedirs(os.path.join(folder, "data"))
    with open(os.path.join(conf, "main.cf"), "w") as f:
        f.write(MAIN_CF.format(root=root, folder=folder))
    with open(os.path.join(conf, "master.cf"), "w") as f:
        f.write(MASTER_CF.format(port=port))
    with open(os.path.join(root, "etc", "postfix", "postfix-files")) as source:
        with open(os.path.join(conf, "postfix-files"), "w") as f:
            f.write(source.read())
    # Every folder above the queue must be traversable by the postfix user.
    for path in (folder, os.path.dirname(folder)):
        os.chmod(path, 0o755)
    subprocess.run([os.path.join(root, "usr", "lib", "postfix", "sbin", "post-install"),
                    "command_directory=" + os.path.join(root, "usr", "sbin"),
                    "config_directory=" + conf, "meta_directory=" + conf, "create-missing"],
                   env=env, check=True, capture_output=True)
    subprocess.run(["chown", "-R", "postfix", os.path.join(folder, "data")], check=True)
    master = os.path.join(root, "usr", "lib", "postfix", "sbin", "master")
    return [master, "-c", conf, "-d"], env


def count_queued(folder):
    """The messages in the queue: one file each, wherever the queue manager has put it."""
    count = 0
    for queue in QUEUES:
        for _, _, files in os.walk(os.path.join(folder, "queue", queue)):
            count += len(files)
    return count
