//go:build unix

package streamcodec

import "syscall"

// cpuTime is the process's user + system CPU time in ns (getrusage), which
// varies much less than wall time with the load of a shared machine.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
