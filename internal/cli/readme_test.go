package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/internal/cli"
)

// TestReadmeToTheLetter runs what README.md tells a new user to run after the demo: every line of
// its sh blocks and the inline `interpost …` commands of its prose, against the demo world served
// by a real `interpost serve` process. Substitutions, and only these: the demo's printed keys for
// `ipk_…`, the upload id the previous line answered for `up_…`, the test server's address for
// 127.0.0.1:8080, and the demo's data directory as --data. Lines it cannot run here are listed
// with the reason (the demo itself, which this test runs as `demo --no-serve`; `make test`, which
// is what runs this test; PostgreSQL set-up). A curl line passes on a 2xx answer with a body of
// the right kind; a CLI line on exit status 0.
func TestReadmeToTheLetter(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the whole demo and starts a server; skipped with -short")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := readmeCommands(string(readme))
	if len(lines) < 10 {
		t.Fatalf("found only %d commands in README.md: %q", len(lines), lines)
	}
	t.Chdir("../..") // README paths are relative to the clone (demo/shipments-upload.csv)
	data := t.TempDir()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC).Format(time.RFC3339)
	var out, errOut bytes.Buffer
	if code := cli.Main([]string{"demo", "--data", data, "--no-serve", "--now", now}, &out, &errOut); code != 0 {
		t.Fatalf("demo: %d\n%s\n%s", code, out.String(), errOut.String())
	}
	keys := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(merchant \w+|admin|customs[\w ]*?)\s+(ipk_\w+)`).FindAllStringSubmatch(out.String(), -1) {
		keys[strings.Fields(m[1])[0]] = m[2]
	}
	if keys["merchant"] == "" || keys["admin"] == "" {
		t.Fatalf("no demo keys in:\n%s", out.String())
	}

	addr := freeAddr(t)
	logPath := filepath.Join(t.TempDir(), "serve.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal([]string{"serve", "--data", data, "--addr", addr, "--now", now})
	cmd := exec.Command(os.Args[0], "-test.run=^TestMultiNodeChild$")
	cmd.Env = append(os.Environ(), "INTERPOST_MULTINODE_CHILD="+string(args))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); logf.Close() }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	if err := waitReady(addr, exited); err != nil {
		b, _ := os.ReadFile(logPath)
		t.Fatalf("%v\n%s", err, b)
	}

	client := &http.Client{Timeout: 2 * time.Minute}
	lastUpload := ""
	ran, skipped := 0, 0
	for _, line := range lines {
		words := shellWords(line)
		if len(words) == 0 {
			continue
		}
		switch {
		case words[0] == "make" || words[0] == "createdb" || strings.Contains(line, "--db "):
			t.Logf("not run: %s (make test runs this test; PostgreSQL set-up is covered by the storage tests)", line)
			skipped++
			continue
		case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/interpost" && len(words) > 3 && words[3] == "demo":
			t.Logf("not run as written: %s (seeded above with `demo --no-serve`, served by `serve`)", line)
			skipped++
			continue
		case words[0] == "go" && (words[1] == "build" || words[1] == "install"):
			t.Logf("not run: %s (building the binary; this test calls the same Main in-process)", line)
			skipped++
			continue
		}
		ran++
		if words[0] == "curl" {
			body := readmeCurl(t, client, line, words, addr, keys["merchant"], lastUpload)
			if id := regexp.MustCompile(`"id":\s*"(up_[^"]+)"`).FindStringSubmatch(body); id != nil {
				lastUpload = id[1]
				waitUpload(t, client, addr, keys["merchant"], lastUpload)
			}
			continue
		}
		if words[0] == "go" && words[1] == "run" && words[2] == "./cmd/interpost" {
			words = words[2:]
		}
		if words[0] != "interpost" && words[0] != "./cmd/interpost" {
			t.Errorf("README line not understood by this test (add it to the rules above): %s", line)
			continue
		}
		var o, e bytes.Buffer
		argv := append(append([]string{}, words[1:]...), "--now", now)
		if takesData(argv) {
			argv = append(argv, "--data", data)
		}
		if code := cli.Main(argv, &o, &e); code != 0 {
			t.Errorf("%s\nexit %d\nstdout: %s\nstderr: %s", line, code, clip(o.String()), clip(e.String()))
		} else {
			t.Logf("ok: %s", line)
		}
	}
	t.Logf("README: %d commands run, %d not run (reasons above)", ran, skipped)
}

// readmeCommands returns the lines of README's sh blocks (continuations joined, comments cut)
// and the inline `interpost …` commands of its prose that name no placeholder.
func readmeCommands(md string) []string {
	var out []string
	in := false
	pending := ""
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "```") {
			in = strings.HasPrefix(l, "```sh")
			continue
		}
		if !in {
			for _, m := range regexp.MustCompile("`(interpost [^`]+)`").FindAllStringSubmatch(l, -1) {
				c := m[1]
				if strings.Contains(c, "…") || regexp.MustCompile(`\b[A-Z]{2,}[A-Z.]*\b`).MatchString(strings.TrimPrefix(c, "interpost ")) ||
					c == "interpost demo" || c == "interpost serve" {
					continue
				}
				out = append(out, c)
			}
			continue
		}
		l = regexp.MustCompile(`\s{2,}#.*$`).ReplaceAllString(l, "")
		if strings.HasSuffix(strings.TrimSpace(l), `\`) {
			pending += strings.TrimSuffix(strings.TrimSpace(l), `\`) + " "
			continue
		}
		l = strings.TrimSpace(pending + strings.TrimSpace(l))
		pending = ""
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// shellWords splits a line as sh would for the quoting README uses: '…', "…" and blanks.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	have := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, have = r, true
		case r == ' ' || r == '\t':
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// readmeCurl performs a README curl line with net/http: -H, -o, --data-binary @FILE, the URL.
func readmeCurl(t *testing.T, c *http.Client, line string, words []string, addr, key, upload string) string {
	t.Helper()
	sub := func(s string) string {
		s = strings.ReplaceAll(s, "ipk_…", key)
		s = strings.ReplaceAll(s, "up_…", upload)
		return strings.ReplaceAll(s, "127.0.0.1:8080", addr)
	}
	var (
		url, outFile string
		headers      [][2]string
		body         []byte
	)
	for i := 1; i < len(words); i++ {
		switch w := words[i]; w {
		case "-H":
			i++
			k, v, _ := strings.Cut(sub(words[i]), ":")
			headers = append(headers, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
		case "-o":
			i++
			outFile = filepath.Join(t.TempDir(), filepath.Base(words[i]))
		case "--data-binary":
			i++
			b, err := os.ReadFile(strings.TrimPrefix(words[i], "@"))
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			body = b
		default:
			if strings.HasPrefix(w, "-") {
				t.Fatalf("%s: curl option %s not understood by this test", line, w)
			}
			url = sub(w)
		}
	}
	if strings.Contains(url, "…") || upload == "" && strings.Contains(line, "up_…") {
		t.Fatalf("%s: placeholder left in %s", line, url)
	}
	method := "GET"
	var r io.Reader
	if body != nil {
		method, r = "POST", bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	for _, h := range headers {
		req.Header.Set(h[0], h[1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		t.Errorf("%s\nHTTP %d: %s", line, res.StatusCode, clip(string(b)))
		return ""
	}
	if outFile != "" {
		if strings.HasSuffix(outFile, ".pdf") && !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("%s: %s is not a PDF (%s)", line, outFile, clip(string(b)))
		}
		if err := os.WriteFile(outFile, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("ok: %s → HTTP %d, %d bytes", line, res.StatusCode, len(b))
	return string(b)
}

// waitUpload waits for an upload job to finish, so the labels line that follows has labels.
func waitUpload(t *testing.T, c *http.Client, addr, key, id string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest("GET", "http://"+addr+"/v1/shipment-uploads/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var job struct {
			Status string `json:"status"`
		}
		_ = json.NewDecoder(res.Body).Decode(&job)
		res.Body.Close()
		if job.Status != "" && job.Status != "validating" && job.Status != "storing" {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("upload %s not finished after 2 minutes", id)
}

// takesData reports whether a CLI command reads the store (and so takes --data).
func takesData(argv []string) bool {
	switch argv[0] {
	case "s10":
		return len(argv) > 1 && argv[1] == "next"
	case "route", "version":
		return false
	}
	return true
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}
