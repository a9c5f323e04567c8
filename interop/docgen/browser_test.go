package docgen_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// chromiumPath finds a Chromium binary, or skips (fails when
// APIERR_REQUIRE_CHROMIUM=1, as in CI).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("APIERR_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("no chromium binary found and APIERR_REQUIRE_CHROMIUM=1")
	}
	t.Skip("no chromium binary found: skipping the browser test (install Debian's chromium; CI sets APIERR_REQUIRE_CHROMIUM=1)")
	return ""
}

// TestBrowser opens the docs of every example catalog, served by
// docgen.Handler, in headless Chromium: the reference page loads with no
// console error (the CSP forbids anything but the page's own stylesheet, so
// a remote asset or a script would show up here), every code's anchor exists
// and scrolls into view when navigated to, dark mode applies, and every
// code's docs URL, as error bodies carry it, resolves to its page.
func TestBrowser(t *testing.T) {
	exe := chromiumPath(t)
	if testing.Short() {
		t.Skip("starts a browser: skipped in -short mode")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	// The browser lives as long as the first Run's context: no timeout on
	// it; each step below runs under its own deadline.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Console messages, uncaught exceptions and browser log entries (a
	// blocked resource, a CSP violation, a failed load) of every page.
	msgCtx, stopMessages := context.WithCancel(bctx)
	messages := chromedp.Console(msgCtx)
	step := func(t *testing.T) (context.Context, context.CancelFunc) {
		t.Helper()
		// Generous: under go test -race with every package running beside
		// it on two cores, one page took more than 30 s to load.
		return context.WithTimeout(bctx, 3*time.Minute)
	}

	for _, ex := range exampleCatalogs(t) {
		t.Run(ex.name, func(t *testing.T) {
			cat := ex.cat
			srv := httptest.NewServer(docgen.Handler(cat))
			defer srv.Close()
			ref := localURL(srv.URL, docsBase(cat.DocsFor(cat.Codes()[0].ID)))

			ctx, cancel := step(t)
			defer cancel()
			if err := chromedp.Do(ctx, chromedp.Navigate(ref)); err != nil {
				t.Fatalf("navigate %s: %v", ref, err)
			}
			title, err := chromedp.Run(ctx, chromedp.Title())
			if err != nil || !strings.Contains(title, "errors") {
				t.Errorf("title %q (%v)", title, err)
			}
			for _, c := range cat.Codes() {
				slug := cat.Slug().Apply(c.ID)
				js := fmt.Sprintf(`new Promise(done => {
					window.scrollTo(0, 0);
					location.hash = %q;
					requestAnimationFrame(() => {
						const el = document.getElementById(%q);
						if (!el) return done(false);
						const r = el.getBoundingClientRect();
						done(r.top >= 0 && r.top < window.innerHeight && r.height > 0);
					});
				})`, "#"+slug, slug)
				inView, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatalf("%s: %v", c.ID, err)
				}
				if !inView {
					t.Errorf("#%s: anchor missing or not scrolled into view", slug)
				}
			}

			media := func(scheme string) chromedp.Action[chromedp.Void] {
				return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
						Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
					})
					return err
				})
			}
			background := chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`)
			if err := chromedp.Do(ctx, media("dark")); err != nil {
				t.Fatal(err)
			}
			dark, err := chromedp.Run(ctx, background)
			if err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, media("light")); err != nil {
				t.Fatal(err)
			}
			light, err := chromedp.Run(ctx, background)
			if err != nil {
				t.Fatal(err)
			}
			if dark != "rgb(18, 21, 27)" || light != "rgb(255, 255, 255)" {
				t.Errorf("backgrounds: dark %q, light %q", dark, light)
			}
			// At a phone's width (390 CSS px) nothing pushes the page
			// sideways: the reference page and a permalink page fit.
			narrow := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
					Width: 390, Height: 844, DeviceScaleFactor: 1,
				})
				return err
			})
			wide := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
				return err
			})
			overflow := chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)
			for _, u := range []string{ref, localURL(srv.URL, cat.DocsFor(cat.Codes()[0].ID))} {
				if err := chromedp.Do(ctx, narrow, chromedp.Navigate(u)); err != nil {
					t.Fatal(err)
				}
				over, err := chromedp.Run(ctx, overflow)
				if err != nil {
					t.Fatal(err)
				}
				if over > 0 {
					t.Errorf("%s at 390 px: the page is %d px wider than the screen (a horizontal scrollbar)", u, over)
				}
			}
			if err := chromedp.Do(ctx, wide, chromedp.Navigate(ref)); err != nil {
				t.Fatal(err)
			}

			if *screenshot != "" {
				shot := func(name string) {
					if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
						_ = os.WriteFile(*screenshot+"-"+ex.name+"-"+name+".png", png, 0o644)
					}
				}
				_ = chromedp.Do(ctx, chromedp.Navigate(ref), media("light"))
				shot("light")
				_ = chromedp.Do(ctx, media("dark"), chromedp.Navigate(ref+"#"+cat.Slug().Apply(cat.Codes()[len(cat.Codes())/2].ID)))
				shot("dark")
				_ = chromedp.Do(ctx, media("light"))
			}

			// Every docs URL, as an error body carries it, resolves to its
			// page: all of them fetched by the browser (from llms.txt, a
			// same-origin page whose policy allows fetch), and the first, a
			// middle and the last one opened in the tab.
			var urls, slugs []string
			for _, c := range cat.Codes() {
				urls = append(urls, localURL(srv.URL, cat.DocsFor(c.ID)))
				slugs = append(slugs, cat.Slug().Apply(c.ID))
			}
			list, _ := json.Marshal(urls)
			ids, _ := json.Marshal(slugs)
			js := fmt.Sprintf(`Promise.all(%s.map(async (u, i) => {
				const r = await fetch(u);
				const body = await r.text();
				const ok = r.status === 200 && r.headers.get("content-type").startsWith("text/html") &&
					body.includes('id="' + %s[i] + '"');
				return ok ? "" : u + ": " + r.status + " " + r.headers.get("content-type");
			})).then(rs => rs.filter(Boolean))`, list, ids)
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/llms.txt")); err != nil {
				t.Fatal(err)
			}
			bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bad {
				t.Errorf("docs URL does not resolve to its page: %s", b)
			}
			codes := cat.Codes()
			for _, c := range []*apierr.Code{codes[0], codes[len(codes)/2], codes[len(codes)-1]} {
				docs := cat.DocsFor(c.ID)
				u := localURL(srv.URL, docs)
				slug := cat.Slug().Apply(c.ID)
				if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
					t.Fatalf("navigate %s: %v", u, err)
				}
				check := fmt.Sprintf(`document.contentType === "text/html" && document.getElementById(%q) !== null && document.title.includes(%q)`, slug, c.ID)
				ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](check))
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					t.Errorf("%s: %s is not the code's page", c.ID, u)
				}
			}
		})
	}

	// Drain what the pages reported.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	stopMessages()
	for m, err := range messages {
		if err != nil {
			break
		}
		// The HTML pages declare an inline icon; only the plain-text
		// llms.txt, opened for the fetches above, makes Chromium ask for
		// /favicon.ico, which the docs do not serve.
		if strings.HasSuffix(m.URL, "/favicon.ico") {
			continue
		}
		switch m.Type {
		case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
			t.Errorf("browser reported: %s (%s)", m, m.URL)
		}
	}
}

// docsBase returns the reference page's URL for a docs URL: the docs URL
// without its last segment (or without its anchor).
func docsBase(docs string) string {
	if i := strings.IndexByte(docs, '#'); i >= 0 {
		return docs[:i]
	}
	return docs[:strings.LastIndexByte(docs, '/')+1]
}
