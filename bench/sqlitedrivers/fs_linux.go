package main

import (
	"syscall"
	"time"
)

// fsType names the file system under dir, so a reader can tell whether fsync
// reached a disk (ext4, xfs …) or did nothing (tmpfs).
func fsType(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "unknown file system"
	}
	switch uint64(st.Type) {
	case 0xEF53:
		return "ext4"
	case 0x58465342:
		return "xfs"
	case 0x9123683E:
		return "btrfs"
	case 0x01021994:
		return "tmpfs: fsync is a no-op, use -dir on a disk"
	case 0x794c7630:
		return "overlayfs"
	default:
		return "file system 0x" + itoaHex(uint64(st.Type))
	}
}

func itoaHex(v uint64) string {
	const digits = "0123456789abcdef"
	if v == 0 {
		return "0"
	}
	var b []byte
	for v > 0 {
		b = append([]byte{digits[v%16]}, b...)
		v /= 16
	}
	return string(b)
}

// settle flushes dirty pages of earlier phases (CSV files, the last
// database) so their writeback does not land in the next timed phase.
func settle() {
	syscall.Sync()
	time.Sleep(200 * time.Millisecond)
}
