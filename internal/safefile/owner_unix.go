//go:build unix

package safefile

import (
	"io/fs"
	"os"
	"syscall"
)

// openNoFollow opens for reading without following a final link and without blocking on a
// FIFO (O_NONBLOCK), so that a swap made after the Lstat cannot make the read hang.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}

func owner(st fs.FileInfo) (uid, gid int) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return int(s.Uid), int(s.Gid)
	}
	return -1, -1
}

// keepOwner gives the temporary file the replaced file's owner and group, when they differ
// from the ones it was made with (root editing a user's file must not make it root's).
func keepOwner(f *os.File, uid, gid int) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if u, g := owner(st); u == uid && g == gid {
		return nil
	}
	return f.Chown(uid, gid)
}
