package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTrackPageBrowser opens the public page of an item held by customs
// in headless Chromium in Chinese, Russian and Spanish, on a 375 px phone
// and a desktop: nothing wider than the phone, the switcher changes the
// language and keeps it, no script errors. -update-screenshots rewrites
// docs/track-zh.png, docs/track-ru-375.png and docs/track-es.png, and the other width of each
// (track-zh-375.png, track-es-375.png, track-ru.png).
func TestTrackPageBrowser(t *testing.T) {
	chromium := chromiumPath()
	if chromium == "" {
		t.Skip("Chromium is not installed, so the tracking page browser test is skipped: apt-get install chromium (CI's .ci/run does)")
	}
	if testing.Short() {
		t.Skip("the browser test starts Chromium; skipped with -short")
	}
	e, id := heldItemEnv(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 800),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	ctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	t.Cleanup(func() { cancel(); cancelBrowser(); cancelAlloc() })
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	js := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return v
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		dir := t.ArtifactDir()
		if *updateShots {
			dir = filepath.Join("..", "docs")
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	page := e.srv.URL + "/track/" + id
	for _, tc := range []struct {
		lang, status string
		width, high  int64
		shot         string
	}{
		{"zh-CN", "进口海关查验中", 1280, 800, "track-zh.png"},
		{"ru", "На таможенном контроле", 375, 1100, "track-ru-375.png"},
		{"es", "Retenido en aduana", 1280, 800, "track-es.png"},
		{"zh-CN", "进口海关查验中", 375, 740, "track-zh-375.png"},
		{"es", "Retenido en aduana", 375, 740, "track-es-375.png"},
		{"ru", "На таможенном контроле", 1280, 800, "track-ru.png"},
	} {
		// The switcher's link sets the language and the cookie keeps it.
		run("open "+tc.lang, chromedp.EmulateViewport(tc.width, tc.high), chromedp.Navigate(page+"?lang="+tc.lang),
			chromedp.WaitVisible(chromedp.CSS("h1#status")))
		run("reopen", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("h1#status")))
		if got := js(`document.documentElement.lang`); got != tc.lang {
			t.Errorf("%s: html lang %q after reopening", tc.lang, got)
		}
		if got := js(`document.querySelector("h1#status").innerText`); got != tc.status {
			t.Errorf("%s: status %q, want %q", tc.lang, got, tc.status)
		}
		if w := js(`String(document.documentElement.scrollWidth)`); tc.width == 375 && w != "375" {
			t.Errorf("%s is %s px wide on a 375 px phone", tc.lang, w)
		}
		if body := js(`document.body.innerText`); strings.Contains(body, "document_check") || strings.Contains(body, "import_customs_held") {
			t.Errorf("%s: raw codes on the page", tc.lang)
		}
		if tc.shot != "" {
			shot(tc.shot)
		}
	}
	// Clicking the switcher's link works like following it.
	run("switch", chromedp.Click(chromedp.CSS(`nav.langs a[hreflang="de"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="de"] h1#status`)))
}
