//go:build !unix

package ratelimit_test

// rlCPU is not measured here: cpu-ns/op is not reported.
func rlCPU() int64 { return 0 }
