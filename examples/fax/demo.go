package fax

import (
	"time"
)

// The demo's fixed keys and seeded faxes. They are published in the README,
// so they are demo-only: a real deployment issues random keys (IssueKey).
const (
	DemoSandboxKey  = "fx_test_acme_4f9c2b7e1d8a6035"    // workspace Acme, sandbox
	DemoLiveKey     = "fx_live_acme_b1e7d4c09a2f3586"    // workspace Acme, live (no credits)
	DemoGlobexKey   = "fx_test_globex_7c3e9a1f5b2d8046"  // another workspace
	DemoInactiveKey = "fx_test_initech_2d8b6f0e4a1c9735" // a deactivated workspace

	DemoLiveFaxID   = "fax_demo_live"   // Acme's, sent in live
	DemoGlobexFaxID = "fax_demo_globex" // Globex's, sent in the sandbox
	DemoPurgedFaxID = "fax_demo_purged" // Acme's, sandbox, delivered long ago: document purged

	// DemoSandboxCredits is Acme's sandbox balance at start.
	DemoSandboxCredits = 1000
)

// NewDemo returns a Server populated for the demo: workspace Acme (sandbox
// with DemoSandboxCredits credits, live with none), workspace Globex
// (zero-footprint: documents deleted as soon as a fax finishes; owner of
// DemoGlobexFaxID), workspace Initech (deactivated), and three settled faxes
// to try not_found, forbidden and fax_data_purged on.
func NewDemo(cfg Config) (*Server, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	s.AddWorkspace(Workspace{ID: "ws_acme", Name: "Acme"})
	s.AddWorkspace(Workspace{ID: "ws_globex", Name: "Globex", ZeroFootprint: true})
	s.AddWorkspace(Workspace{ID: "ws_initech", Name: "Initech", Inactive: true})
	s.Credit("ws_acme", Sandbox, DemoSandboxCredits)
	s.Credit("ws_globex", Sandbox, DemoSandboxCredits)
	s.Credit("ws_initech", Sandbox, DemoSandboxCredits)
	for _, k := range []struct {
		key, ws string
		env     Env
	}{
		{DemoSandboxKey, "ws_acme", Sandbox},
		{DemoLiveKey, "ws_acme", Live},
		{DemoGlobexKey, "ws_globex", Sandbox},
		{DemoInactiveKey, "ws_initech", Sandbox},
	} {
		if err := s.AddKey(k.key, k.ws, k.env); err != nil {
			return nil, err
		}
	}
	now := s.cfg.Now().UTC()
	doc := DemoPDF()
	settled := func(id string, env Env, ago time.Duration) Fax {
		at := now.Add(-ago)
		return Fax{ID: id, Status: Delivered, To: "+14155550123", Pages: 1, Cost: s.cost(1),
			MediaType: mediaPDF, Environment: env, CreatedAt: at.Add(-time.Minute), UpdatedAt: at, CompletedAt: &at}
	}
	s.store.seed(settled(DemoLiveFaxID, Live, time.Hour), "ws_acme", doc)
	s.store.seed(settled(DemoGlobexFaxID, Sandbox, time.Hour), "ws_globex", doc)
	s.store.seed(settled(DemoPurgedFaxID, Sandbox, 30*24*time.Hour), "ws_acme", doc)
	return s, nil
}

// DemoPDF is a one-page PDF, small enough to paste as base64.
func DemoPDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj <</Type /Page>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
}
