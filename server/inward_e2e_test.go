package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/network"
)

// TestInboundEndToEnd follows a Japan Post item into China: pre-advised
// by JPPOST, received and verified at Xiamen, released by import customs,
// handed over, attempted and delivered by the Xiamen delivery office, and
// its events taken back by JPPOST (EMSEVT), once.
func TestInboundEndToEnd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.store.PutOffices(ctx, []network.Office{
		{Code: "JPTYOA", Name: "Tokyo", Country: "JP", Kind: network.KindOE, Lat: 35.7, Lon: 139.7, TZ: "Asia/Tokyo", ConnectMin: 120, Customs: true},
		{Code: "CNXMND", Name: "Xiamen Siming delivery", Country: "CN", Kind: network.KindDelivery, Lat: 24.45, Lon: 118.08, TZ: "Asia/Shanghai"},
	}); err != nil {
		t.Fatal(err)
	}
	for name, k := range map[string]auth.Principal{"jp": {Role: auth.RolePartner, Partner: "JPPOST"},
		"xmnd": {Role: auth.RoleOperator, Offices: []string{"CNXMND"}}} {
		key, secret, err := auth.NewKey(k.Role, "", k.Partner, k.Offices, name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.CreateKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		e.keys[name] = secret
	}
	const (
		dispatch = "JPTYOACNXMNAAUN60021"
		rc       = "JPTYOACNXMNAAUN60021001100082"
		item     = "RR123456785JP"
		late     = "EE123456785JP" // scanned after JPPOST's endpoint is set: pushed
	)
	p := edi.Predes{Ref: "JP0021", Prepared: time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Minute), Dispatch: dispatch, Origin: "JPTYOA", Destination: "CNXMNA",
		Receptacles: []edi.Receptacle{{ID: rc, Type: "bag", GrossWeightG: 8200, Items: []string{item, late},
			ItemData: []edi.ItemData{{Item: item, Contents: "Green tea", HSCode: "090210", Value: "3500", Currency: "JPY", SenderName: "Sato Hanako",
				SenderCountry: "JP", AddresseeName: "Li Wei", AddresseeCountry: "CN"}}}}}
	if r := e.do("POST", "/v1/inward/predes", "jp", string(p.MarshalEDI()), "Content-Type", "application/edifact"); r.status != http.StatusOK {
		t.Fatalf("PREDES: %d %s", r.status, r.body)
	}
	steps := []struct{ path, key string }{
		{"/v1/inward/receptacles/" + rc + "/scan", "operator"},
		{"/v1/inward/receptacles/" + rc + "/open", "operator"},
	}
	for _, s := range steps {
		if r := e.do("POST", s.path, s.key, map[string]any{"weight_g": 8200}); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", s.path, r.status, r.body)
		}
	}
	if r := e.do("POST", "/v1/inward/items/"+item+"/scan", "operator", map[string]any{"receptacle": rc}); r.status != http.StatusOK {
		t.Fatalf("item scan: %d %s", r.status, r.body)
	}
	// Import customs: the partner may not clear; the operator puts the
	// received items into the queue with their pre-advised data.
	if r := e.do("POST", "/v1/inward/dispatches/"+dispatch+"/clear", "jp", nil); r.status != http.StatusForbidden {
		t.Errorf("partner clearing: %d %s", r.status, r.body)
	}
	r := e.do("POST", "/v1/inward/dispatches/"+dispatch+"/clear", "operator", nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"source":"pre-advice"`) || !strings.Contains(string(r.body), `"country":"CN"`) {
		t.Fatalf("clear: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `"status":"released"`) {
		if r := e.do("POST", "/v1/customs/items/"+item+"/decision", "customs", map[string]any{"action": "release", "reason": "tea for personal use"}); r.status != http.StatusOK {
			t.Fatalf("release: %d %s", r.status, r.body)
		}
	}
	// Delivery: handover at the OE, then the delivery office's own key.
	if r := e.do("POST", "/v1/inward/items/"+item+"/delivery", "xmnd", map[string]any{"step": "handover", "office": "CNXMNA", "next_office": "CNXMND"}); r.status != http.StatusForbidden {
		t.Errorf("delivery office key at the OE: %d %s", r.status, r.body)
	}
	for _, b := range []map[string]any{
		{"step": "handover", "office": "CNXMNA", "next_office": "CNXMND", "key": "operator"},
		{"step": "arrived", "office": "CNXMND", "key": "xmnd"},
		{"step": "attempt", "office": "CNXMND", "reason": "addressee_absent", "key": "xmnd"},
		{"step": "deliver", "office": "CNXMND", "signatory": "Li Wei", "key": "xmnd"},
	} {
		key := b["key"].(string)
		delete(b, "key")
		if r := e.do("POST", "/v1/inward/items/"+item+"/delivery", key, b); r.status != http.StatusOK {
			t.Fatalf("%v: %d %s", b["step"], r.status, r.body)
		}
	}
	if r := e.do("POST", "/v1/inward/items/"+item+"/delivery", "xmnd", map[string]any{"step": "deliver", "office": "CNXMND", "signatory": "Li Wei"}); !strings.Contains(string(r.body), `"repeated":true`) {
		t.Errorf("delivered twice: %d %s", r.status, r.body)
	}
	// The timeline shows the whole inward chain.
	r = e.do("GET", "/v1/items/"+item+"/events", "admin", nil)
	for _, code := range []string{"EMD", "EDB", "EDC", "EMF", "EMG", "EMH", "EMI"} {
		if !strings.Contains(string(r.body), `"code":"`+code+`"`) {
			t.Errorf("timeline lacks %s: %s", code, r.body)
		}
	}
	// JPPOST takes its events back, once; PLPOST's key may not take them.
	if r := e.do("GET", "/v1/inward/events?partner=JPPOST", "partner", nil); r.status != http.StatusForbidden {
		t.Errorf("PLPOST pulling JPPOST: %d %s", r.status, r.body)
	}
	r = e.do("GET", "/v1/inward/events", "jp", nil)
	var b struct {
		Ref    string `json:"ref"`
		Events []struct {
			Item, Code string
			ReturnedAt time.Time `json:"returned_at"`
		} `json:"events"`
		EMSEVT  string `json:"emsevt"`
		EDIFACT string `json:"edifact"`
	}
	if err := json.Unmarshal(r.body, &b); err != nil || r.status != http.StatusOK {
		t.Fatalf("pull: %d %s %v", r.status, r.body, err)
	}
	var codes []string
	for _, ev := range b.Events {
		if ev.Item == item && !ev.ReturnedAt.IsZero() {
			codes = append(codes, ev.Code)
		}
	}
	if strings.Join(codes, " ") != "EMD EDB EDC EMF EMG EMH EMI" || !strings.HasPrefix(b.EMSEVT, "HDR|EMSEVT|3|CNPOST|JPPOST|"+b.Ref+"|") ||
		!strings.Contains(b.EMSEVT, "EVT|"+item+"|EMI|CNXMND|") || !strings.Contains(b.EDIFACT, "STS+EMI:EVT'") {
		t.Errorf("returned events %v, message:\n%s\n%s", codes, b.EMSEVT, b.EDIFACT)
	}
	if r := e.do("GET", "/v1/inward/events", "jp", nil); !strings.Contains(string(r.body), `"events":[]`) {
		t.Errorf("second pull: %d %s", r.status, r.body)
	}
	// Push: an admin gives JPPOST an endpoint (a server on loopback); the
	// next item's events go there in a batch, not to a pull.
	var mu sync.Mutex
	var pushed []string
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		pushed = append(pushed, r.Header.Get("Content-Type")+" "+r.Header.Get("X-Interpost-Batch")+"\n"+string(body))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer partner.Close()
	if r := e.do("PUT", "/v1/inward/partners/JPPOST/endpoint", "jp", map[string]any{"url": partner.URL}); r.status != http.StatusForbidden {
		t.Errorf("a partner setting its endpoint: %d %s", r.status, r.body)
	}
	if r := e.do("PUT", "/v1/inward/partners/JPPOST/endpoint", "admin", map[string]any{"url": "ftp://x", "format": "emsevt"}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.body), "url") {
		t.Errorf("bad URL: %d %s", r.status, r.body)
	}
	if r := e.do("PUT", "/v1/inward/partners/JPPOST/endpoint", "admin", map[string]any{"url": partner.URL + "/events", "format": "emsevt"}); r.status != http.StatusOK ||
		!strings.Contains(string(r.body), `"enabled":true`) {
		t.Fatalf("set endpoint: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/inward/items/"+late+"/scan", "operator", map[string]any{"receptacle": rc}); r.status != http.StatusOK {
		t.Fatalf("late item scan: %d %s", r.status, r.body)
	}
	if n, err := e.app.PushPartnerEvents(ctx); err != nil || n != 1 {
		t.Fatalf("push: %d %v", n, err)
	}
	mu.Lock()
	if len(pushed) != 1 || !strings.HasPrefix(pushed[0], "application/vnd.interpost.evt JPPOST") || !strings.Contains(pushed[0], "EVT|"+late+"|EMD|CNXMNA|") {
		t.Errorf("pushed: %q", pushed)
	}
	mu.Unlock()
	if r := e.do("GET", "/v1/inward/events", "jp", nil); !strings.Contains(string(r.body), `"events":[]`) {
		t.Errorf("pull after the push: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/inward/partners/JPPOST/endpoint", "partner", nil); r.status != http.StatusForbidden {
		t.Errorf("PLPOST reading JPPOST's endpoint: %d %s", r.status, r.body)
	}
	r = e.do("GET", "/v1/inward/partners/JPPOST/endpoint", "jp", nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"ok":true`) || !strings.Contains(string(r.body), `"status":204`) ||
		!strings.Contains(string(r.body), `"failures":0`) {
		t.Errorf("endpoint with its pushes: %d %s", r.status, r.body)
	}
	if r := e.do("DELETE", "/v1/inward/partners/JPPOST/endpoint", "admin", nil); r.status != http.StatusNoContent {
		t.Errorf("delete endpoint: %d %s", r.status, r.body)
	}
}
