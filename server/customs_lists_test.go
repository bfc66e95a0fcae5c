package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
)

func ofacForm(t *testing.T, files map[string]string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, name := range []string{"sdn.csv", "alt.csv", "add.csv"} {
		data, ok := files[name]
		if !ok {
			continue
		}
		w, err := mw.CreateFormFile(name, name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
	}
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

func readOFAC(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, n := range []string{"sdn.csv", "alt.csv", "add.csv"} {
		b, err := os.ReadFile("../customs/risk/testdata/ofac/" + n)
		if err != nil {
			t.Fatal(err)
		}
		files[n] = string(b)
	}
	return files
}

func TestWatchListImportOverHTTP(t *testing.T) {
	e := newEnv(t)
	files := readOFAC(t)
	body, ct := ofacForm(t, files)
	if r := e.do("POST", "/v1/customs/lists?format=ofac-sdn", "customs", body, "Content-Type", ct); r.status != http.StatusForbidden {
		t.Fatalf("customs officer importing a list: %d, want 403", r.status)
	}
	r := e.do("POST", "/v1/customs/lists?format=ofac-sdn", "admin", body, "Content-Type", ct)
	var rep struct {
		Ref       string `json:"ref"`
		Entries   int    `json:"entries"`
		Unchanged bool   `json:"unchanged"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &rep) != nil || rep.Entries != 150 || !strings.HasPrefix(rep.Ref, "ofac-sdn@") {
		t.Fatalf("multipart import: %d %s", r.status, r.body)
	}
	// The same publication as a ZIP: nothing changes.
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for n, d := range files {
		w, _ := zw.Create("SDN/" + n)
		w.Write([]byte(d))
	}
	zw.Close()
	r = e.do("POST", "/v1/customs/lists?format=ofac-sdn", "admin", zb.String(), "Content-Type", "application/zip")
	if r.status != http.StatusOK || json.Unmarshal(r.body, &rep) != nil || !rep.Unchanged {
		t.Fatalf("zip import of the same list: %d %s", r.status, r.body)
	}
	// A bad row is refused with its file and line; the list in force stays.
	bad := map[string]string{"sdn.csv": files["sdn.csv"] + "36,\"ONLY TWO\"\n"}
	body, ct = ofacForm(t, bad)
	r = e.do("POST", "/v1/customs/lists?format=ofac-sdn", "admin", body, "Content-Type", ct)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "sdn.csv") || !strings.Contains(string(r.body), "line") {
		t.Fatalf("bad row: %d %s", r.status, r.body)
	}
	for _, c := range []struct{ query, ct, body, want string }{
		{"ofac-sdn", "text/plain", "x", "multipart/form-data"},
		{"ofac-sdn", "application/zip", "not a zip", "not a ZIP"},
		{"un-xml", "application/xml", "<CONSOLIDATED_LIST><INDIVIDUALS>", "XML"},
	} {
		if r := e.do("POST", "/v1/customs/lists?format="+c.query, "admin", c.body, "Content-Type", c.ct); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), c.want) {
			t.Errorf("%s %s: %d %s", c.query, c.ct, r.status, r.body)
		}
	}
	r = e.do("GET", "/v1/customs/lists", "customs", nil)
	var lists []struct {
		Ref     string `json:"ref"`
		Entries int    `json:"entries"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &lists) != nil || len(lists) != 1 || lists[0].Entries != 150 {
		t.Fatalf("lists in force: %d %s", r.status, r.body)
	}
}

// TestBadBodyQuotedShort: a body huma cannot read comes back as at most a short prefix.
func TestBadBodyQuotedShort(t *testing.T) {
	e := newEnv(t)
	big := strings.Repeat("x", 100_000)
	for _, ct := range []string{"text/plain", "application/json"} {
		r := e.do("POST", "/v1/shipments", "acme", big, "Content-Type", ct)
		if r.status/100 != 4 || len(r.body) > 2000 || !strings.Contains(string(r.body), "xxxx…") {
			t.Errorf("%s: %d, %d bytes: %.300s", ct, r.status, len(r.body), r.body)
		}
	}
}
