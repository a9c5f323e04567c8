package docgen_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// TestBrowserLanguages opens the fax API's docs (examples/fax with its
// German and French translations), served by docgen.Handler, in headless
// Chromium whose Accept-Language prefers German: the docs URL an error body
// carries opens in German; the language switcher is visible and a click on
// Français lands on the same code's page in French; the head lists every
// language as an alternate; and nothing is reported on the console.
func TestBrowserLanguages(t *testing.T) {
	exe := chromiumPath(t)
	if testing.Short() {
		t.Skip("starts a browser: skipped in -short mode")
	}
	cat, err := apierr.LoadFile(filepath.Join(root, "examples/fax/errors.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(docgen.Handler(cat))
	defer srv.Close()

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	msgCtx, stopMessages := context.WithCancel(bctx)
	messages := chromedp.Console(msgCtx)
	// Generous: the machine may be loaded (see TestBrowser).
	ctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	defer cancel()

	german := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}})
		return err
	})
	docs := localURL(srv.URL, cat.DocsFor("insufficient_balance"))
	if err := chromedp.Do(ctx, german, chromedp.Navigate(docs)); err != nil {
		t.Fatalf("navigate %s: %v", docs, err)
	}
	page := chromedp.Evaluate[[]string](`[document.documentElement.lang, document.querySelector("main h1").textContent, location.pathname,
		String(document.querySelectorAll('link[rel="alternate"][hreflang]').length)]`)
	got, err := chromedp.Run(ctx, page)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != "de" || !strings.Contains(got[1], "Guthaben nicht ausreichend") || got[3] != "4" {
		t.Errorf("the docs URL in German: lang %q, h1 %q, %s alternates", got[0], got[1], got[3])
	}

	// The switcher: visible, and Français leads to the same code in French.
	fr := `nav a[hreflang="fr"][lang="fr"]`
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(fr)), chromedp.Click(chromedp.CSS(fr)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="fr"] main h1`))); err != nil {
		t.Fatalf("click Français: %v", err)
	}
	got, err = chromedp.Run(ctx, page)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != "fr" || !strings.Contains(got[1], "Solde insuffisant") || got[2] != "/docs/errors/fr/insufficient-balance" {
		t.Errorf("after Français: lang %q, h1 %q, path %q", got[0], got[1], got[2])
	}
	current, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('nav a[aria-current="page"][hreflang]').textContent`))
	if err != nil || current != "Français" {
		t.Errorf("the switcher marks %q as the current language (%v)", current, err)
	}
	if *screenshot != "" {
		if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
			_ = os.WriteFile(*screenshot+"-fax-fr.png", png, 0o644)
		}
	}

	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	stopMessages()
	for m, err := range messages {
		if err != nil {
			break
		}
		switch m.Type {
		case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
			t.Errorf("browser reported: %s (%s)", m, m.URL)
		}
	}
}
