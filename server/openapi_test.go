package server_test

import (
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/openapi.json from the running server")

const openapiFile = "../docs/openapi.json"

// TestOpenAPI checks that the served document equals the one kept in the
// repository (regenerate with `go test ./server -run TestOpenAPI -update`
// and review the diff) and that every route is documented.
func TestOpenAPI(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/v1/openapi.json", "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /v1/openapi.json = %d", r.status)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r.json(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	var pretty map[string]any
	r.json(t, &pretty)
	served, err := json.MarshalIndent(pretty, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	served = append(served, '\n')
	if *update {
		if err := os.WriteFile(openapiFile, served, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kept, err := os.ReadFile(openapiFile)
	if err != nil {
		t.Fatalf("read %s: %v (create it with -update)", openapiFile, err)
	}
	if string(kept) != string(served) {
		t.Errorf("%s is out of date with the server; run `go test ./server -run TestOpenAPI -update` and review the diff", openapiFile)
	}
	for _, route := range e.routes() {
		method, path, _ := strings.Cut(route, " ")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not in the OpenAPI document", route)
		}
	}
}
