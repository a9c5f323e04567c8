//go:build !linux

package redistest

import "os/exec"

// spawn starts cmd. Outside Linux there is no parent-death signal: a test
// binary killed before Main's cleanup leaves its servers running.
func spawn(cmd *exec.Cmd) error { return cmd.Start() }
