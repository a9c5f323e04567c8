//go:build !unix

package apierrotel_test

func processCPU() int64 { return 0 }
