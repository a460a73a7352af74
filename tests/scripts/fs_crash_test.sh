#!/usr/bin/env bash
# The crash scenarios of server_test (its suite `crash`: kill -9 under load, kills at each step
# of a backup, a kill while a long body is copied in from the spool, a failed sync, a refused
# resume, each followed by --resume and the check that every acknowledged message is stored
# exactly once) on each file system this machine can hold in a loop device: ext4, XFS, btrfs.
# A file system whose mkfs is missing, or that the kernel or this machine cannot mount, is
# skipped with a line saying why; if none can be mounted, the test is skipped (exit 77).
# The mounts live in a mount namespace of the test's own, so that they go with it, however
# it ends.
#   tests/scripts/fs_crash_test.sh SERVER_TEST
set -euo pipefail
server_test=$(realpath "$1")

if [ "${POSTABLE_FS_NAMESPACE:-}" != 1 ]; then
  if ! unshare --mount --propagation private true 2>/dev/null; then
    echo "fs_crash_test: skipped: cannot make a mount namespace here (not root?)"
    exit 77
  fi
  POSTABLE_FS_NAMESPACE=1 exec unshare --mount --propagation private "$0" "$@"
fi

work=$(mktemp -d /tmp/postable-fs-XXXXXX)
trap 'umount -q "$work"/mnt-* 2>/dev/null || true; rm -rf "$work"' EXIT

# mkfs for each file system, and the least size it takes (XFS wants 300 MiB).
declare -A mkfs=([ext4]="mkfs.ext4 -q -F" [xfs]="mkfs.xfs -q -f" [btrfs]="mkfs.btrfs -q -f")
declare -A size=([ext4]=64M [xfs]=320M [btrfs]=128M)
ran=() skipped=() failed=()
for fs in ext4 xfs btrfs; do
  read -r -a make <<<"${mkfs[$fs]}"
  if ! command -v "${make[0]}" >/dev/null; then
    skipped+=("$fs (no ${make[0]})")
    continue
  fi
  image=$work/$fs.img mount_point=$work/mnt-$fs
  mkdir -p "$mount_point"
  truncate -s "${size[$fs]}" "$image"
  if ! "${make[@]}" "$image" >"$work/$fs.mkfs.log" 2>&1; then
    skipped+=("$fs (mkfs failed: $(tail -1 "$work/$fs.mkfs.log"))")
    continue
  fi
  if ! mount -o loop "$image" "$mount_point" 2>"$work/$fs.mount.log"; then
    skipped+=("$fs (cannot mount: $(tail -1 "$work/$fs.mount.log"))")
    continue
  fi
  echo "fs_crash_test: $fs: $(findmnt -n -o SOURCE,OPTIONS "$mount_point")"
  if TMPDIR=$mount_point "$server_test" --run_test=crash --log_level=message --color_output=no \
    >"$work/$fs.log" 2>&1; then
    ran+=("$fs")
    grep -a "acknowledged over" "$work/$fs.log" | sed "s/^/fs_crash_test: $fs: /" || true
  else
    failed+=("$fs")
    echo "fs_crash_test: $fs: the crash scenarios failed:" >&2
    cat "$work/$fs.log" >&2
  fi
  umount "$mount_point"
done

for line in "${skipped[@]}"; do echo "fs_crash_test: skipped $line"; done
[ ${#failed[@]} -eq 0 ] || { echo "fs_crash_test: failed on ${failed[*]}" >&2; exit 1; }
[ ${#ran[@]} -gt 0 ] || { echo "fs_crash_test: skipped: no file system could be mounted"; exit 77; }
echo "fs_crash_test: the crash scenarios passed on ${ran[*]}"
