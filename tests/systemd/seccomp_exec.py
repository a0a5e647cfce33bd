#!/usr/bin/python3
"""Runs a command under the seccomp filter two of a unit's settings ask systemd for (x86_64).

    seccomp_exec.py [--native] [--families AF_UNIX,AF_INET,...] -- COMMAND [ARG...]

--native (SystemCallArchitectures=native): system calls of another ABI (i386, x32) kill the
  process, as systemd's filter does for foreign architectures.
--families (RestrictAddressFamilies=): socket(2) with any other address family fails with
  EAFNOSUPPORT, as under systemd.
The filter is inherited by every child (Chromium's processes) and cannot be removed. Needs
CAP_SYS_ADMIN or no_new_privs. Exit 125 when the filter cannot be installed.
"""

import ctypes
import os
import socket
import struct
import sys

AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
NR_SOCKET = 41
RET_KILL_PROCESS = 0x80000000
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
LD_W_ABS, JEQ_K, JGE_K, RET_K = 0x20, 0x15, 0x35, 0x06
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
EAFNOSUPPORT, EPERM = 97, 1


def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def program(native: bool, families: list[int] | None) -> list[bytes]:
    prog: list[bytes] = []
    if native:
        prog += [op(LD_W_ABS, 4), op(JEQ_K, AUDIT_ARCH_X86_64, jt=1), op(RET_K, RET_KILL_PROCESS),
                 op(LD_W_ABS, 0), op(JGE_K, X32_SYSCALL_BIT, jf=1), op(RET_K, RET_ERRNO | EPERM)]
    if families is not None:
        # socket(2): allowed families jump to the final ALLOW, the rest get EAFNOSUPPORT.
        n = len(families)
        prog += [op(LD_W_ABS, 0), op(JEQ_K, NR_SOCKET, jf=n + 2), op(LD_W_ABS, 16)]
        prog += [op(JEQ_K, family, jt=n - i) for i, family in enumerate(families)]
        prog += [op(RET_K, RET_ERRNO | EAFNOSUPPORT)]
    return prog + [op(RET_K, RET_ALLOW)]


def main() -> None:
    args = sys.argv[1:]
    native, families = False, None
    while args and args[0] != "--":
        if args[0] == "--native":
            native, args = True, args[1:]
        elif args[0] == "--families" and len(args) > 1:
            families = [int(getattr(socket, name)) for name in args[1].split(",") if name]
            args = args[2:]
        else:
            sys.exit("usage: seccomp_exec.py [--native] [--families AF_X,...] -- COMMAND [ARG...]")
    command = args[1:]
    if not command:
        sys.exit("seccomp_exec.py: no command")
    filters = b"".join(program(native, families))
    buffer = ctypes.create_string_buffer(filters)
    fprog = struct.pack("HxxxxxxP", len(filters) // 8, ctypes.addressof(buffer))
    fprog_buffer = ctypes.create_string_buffer(fprog)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog_buffer), 0, 0) != 0:
        print("seccomp_exec.py: cannot install the filter: " + os.strerror(ctypes.get_errno()),
              file=sys.stderr)
        sys.exit(125)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
