"""A pass-through FUSE file system whose writes can be refused, for storage fault tests.

Every operation goes to a backing directory, except that while the switch file exists every
call that would modify something fails with EROFS, as on a file system the kernel remounted
read-only. Files already open are affected too, which is what a real read-only remount does to
a running server and what chmod/chattr cannot do (permissions are checked at open, and root
ignores them). Used by test_storage_faults.py; run as

    /usr/bin/python3 fault_fs.py BACKING_DIR MOUNT_POINT SWITCH_FILE

(Debian's python3-fusepy; root mounts without fusermount).
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

from fusepy import FUSE, FuseOSError, Operations

STAT_FIELDS = ("st_atime", "st_ctime", "st_gid", "st_mode", "st_mtime", "st_nlink", "st_size", "st_uid")
STATVFS_FIELDS = (
    "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail",
    "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax",
)


class FaultFs(Operations):
    def __init__(self, backing: str, switch: str) -> None:
        self.backing = backing
        self.switch = switch

    def _path(self, path: str) -> str:
        return os.path.join(self.backing, path.lstrip("/"))

    def _refuse_writes(self) -> None:
        if os.path.exists(self.switch):
            raise FuseOSError(errno.EROFS)

    # --- reading -------------------------------------------------------------------

    def access(self, path: str, mode: int) -> None:
        if not os.access(self._path(path), mode):
            raise FuseOSError(errno.EACCES)

    def getattr(self, path: str, fh: Any = None) -> dict[str, Any]:
        stat = os.lstat(self._path(path))
        return {field: getattr(stat, field) for field in STAT_FIELDS}

    def readdir(self, path: str, fh: Any) -> list[str]:
        return [".", "..", *os.listdir(self._path(path))]

    def open(self, path: str, flags: int) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_TRUNC):
            self._refuse_writes()
        return os.open(self._path(path), flags)

    def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
        return os.pread(fh, size, offset)

    def statfs(self, path: str) -> dict[str, Any]:
        stat = os.statvfs(self._path(path))
        return {field: getattr(stat, field) for field in STATVFS_FIELDS}

    def flush(self, path: str, fh: int) -> int:
        return 0

    def release(self, path: str, fh: int) -> int:
        os.close(fh)
        return 0

    # --- writing -------------------------------------------------------------------

    def create(self, path: str, mode: int, fi: Any = None) -> int:
        self._refuse_writes()
        return os.open(self._path(path), os.O_RDWR | os.O_CREAT, mode)

    def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
        self._refuse_writes()
        return os.pwrite(fh, data, offset)

    def truncate(self, path: str, length: int, fh: Any = None) -> None:
        self._refuse_writes()
        os.truncate(self._path(path), length)

    def fsync(self, path: str, datasync: int, fh: int) -> int:
        self._refuse_writes()
        os.fsync(fh)
        return 0

    def unlink(self, path: str) -> None:
        self._refuse_writes()
        os.unlink(self._path(path))

    def mkdir(self, path: str, mode: int) -> None:
        self._refuse_writes()
        os.mkdir(self._path(path), mode)

    def rename(self, old: str, new: str) -> None:
        self._refuse_writes()
        os.rename(self._path(old), self._path(new))

    def chmod(self, path: str, mode: int) -> None:
        self._refuse_writes()
        os.chmod(self._path(path), mode)

    def chown(self, path: str, uid: int, gid: int) -> None:
        self._refuse_writes()
        os.chown(self._path(path), uid, gid)

    def utimens(self, path: str, times: Any = None) -> None:
        self._refuse_writes()
        os.utime(self._path(path), times)


if __name__ == "__main__":
    backing, mount_point, switch = sys.argv[1:4]
    FUSE(FaultFs(backing, switch), mount_point, foreground=True, allow_other=True)
