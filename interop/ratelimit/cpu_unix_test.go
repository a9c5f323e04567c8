//go:build unix

package ratelimit_test

import "syscall"

// rlCPU returns the user+system CPU time the process has used, in
// nanoseconds: on a shared machine CPU time is what a check costs, whereas
// wall time also counts the time other programs held the core.
func rlCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
