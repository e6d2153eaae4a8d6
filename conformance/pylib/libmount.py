"""A stand-in for the `libmount` python module that crun's test_mounts.py
imports (util-linux's binding; Debian 12 does not package it).

Only what the suite uses: Table(path) over a /proc/<pid>/mountinfo dump,
Table.find_target(path) and the per-entry vfs_options (per-mount flags,
field 6) and fs_options (superblock options after the " - " separator).
Without this module test_mounts.py prints "1..0" and looks green.
"""

import re


def _unescape(field):
    # mountinfo writes space, tab, newline and backslash as \ooo octal
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


class Fs:
    def __init__(self, line):
        left, sep, right = line.partition(" - ")
        if not sep:
            raise ValueError("mountinfo line without separator: %r" % line)
        f = left.split()
        r = right.split()
        self.id = int(f[0])
        self.parent = int(f[1])
        self.devno = f[2]
        self.root = _unescape(f[3])
        self.target = _unescape(f[4])
        self.vfs_options = f[5]
        self.optional_fields = " ".join(f[6:])
        self.fstype = r[0]
        self.source = _unescape(r[1]) if len(r) > 1 else None
        self.fs_options = r[2] if len(r) > 2 else ""
        self.options = self.vfs_options + "," + self.fs_options


class Table:
    def __init__(self, path=None):
        self._fs = []
        if path is not None:
            with open(path) as f:
                for line in f:
                    line = line.rstrip("\n")
                    if line.strip():
                        self._fs.append(Fs(line))

    def __iter__(self):
        return iter(self._fs)

    def find_target(self, path):
        # like libmount, the last (topmost) mount on a target wins
        for fs in reversed(self._fs):
            if fs.target == path:
                return fs
        return None
