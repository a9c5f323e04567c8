package main

import (
	"testing"

	"github.com/apierr/apierr/examples/adapters/internal/faxapp/faxapptest"
)

func TestProbePasses(t *testing.T) { faxapptest.ProbeServer(t, newServer) }
