package main

import (
	"testing"

	"github.com/apierr/apierr/internal/redistest"
)

// TestMain stops the Redis servers the tests share (redistest.Cluster).
func TestMain(m *testing.M) { redistest.Main(m) }
