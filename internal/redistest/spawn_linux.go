package redistest

import (
	"os/exec"
	"runtime"
	"syscall"
)

// spawner starts processes from one OS thread that never exits: a child's
// parent-death signal fires when the thread that started it exits, so
// starting every server here makes them die with the test binary, never
// before it.
var spawner = func() chan func() {
	ch := make(chan func())
	go func() {
		runtime.LockOSThread() // never unlocked: the thread lives as long as the process
		for f := range ch {
			f()
		}
	}()
	return ch
}()

func spawn(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	done := make(chan error)
	spawner <- func() { done <- cmd.Start() }
	return <-done
}
