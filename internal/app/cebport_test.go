package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/store/sqlite"
)

// TestCEBExchangeDirectory: with an exchange directory, a started node writes the queued CEB
// messages into the client's outbox (the buyer's identity whole, in a DxpMsg) and applies the
// receipts the client drops into its inbox: customs' release reaches the item; a bad file goes to
// failed/ with its reason.
func TestCEBExchangeDirectory(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	profiles, err := demo.CEBProfiles()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, err := app.New(ctx, st, app.Options{Now: func() time.Time { return now }, CEBProfiles: profiles, Node: "127.0.0.1:8080",
		CEBExchange: dir, CEBExchangeEvery: 20 * time.Millisecond, PrivacyEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	admin := auth.Principal{KeyID: "t", Role: auth.RoleAdmin}
	d := customs.Declaration{ID: "TGPORT01", Stream: customs.StreamEcommerce, Direction: customs.Import, Office: "CNSHAA", Category: "sale_of_goods", Currency: "CNY",
		Sender:    customs.Party{Name: "Seller", Address: "1 Street", City: "Berlin", Country: "DE"},
		Addressee: customs.Party{Name: "刘洋", Address: "陕西北路 66 号", City: "Shanghai", Postcode: "200040", Country: "CN"},
		Ecommerce: &customs.EcommerceInfo{Platform: "tmall-global", OrderID: "O-1", Model: customs.ModelB2C, Seller: customs.Party{Name: "Seller", Country: "DE"}},
		Lines:     []customs.Line{{Description: "Face cream", Quantity: 1, NetWeightG: 100, Value: "30.00", HSCode: "3304990099", OriginCountry: "DE"}}}
	if _, err := a.Customs.Declare(ctx, admin, d); err != nil {
		t.Fatal(err)
	}
	sent, err := a.CEB.Send(ctx, admin, d.ID, ceb.Buyer{IDNumber: "310101199001010000", Telephone: "13900000000"})
	if err != nil {
		t.Fatal(err)
	}
	stop := a.Start(ctx)
	defer stop()
	wait := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("after 20 s: %s", what)
	}
	outbox := filepath.Join(dir, "outbox")
	wait("every message in the outbox", func() bool {
		files, _ := filepath.Glob(filepath.Join(outbox, "*.xml"))
		return len(files) == len(sent)
	})
	for _, r := range sent {
		data, err := os.ReadFile(filepath.Join(outbox, r.Key+".xml"))
		if err != nil {
			t.Fatal(err)
		}
		ti, payload, err := ceb.UnwrapDxp(data)
		if err != nil || ti.MsgType != r.Type+"Message" || ti.ReceiverIDs[0] != app.CustomsReceiver {
			t.Fatalf("%s: envelope %+v, %v", r.Key, ti, err)
		}
		if r.Type == "CEB621" && !strings.Contains(string(payload), ">310101199001010000<") {
			t.Fatalf("the inventory handed to the client carries the buyer masked:\n%s", payload)
		}
	}
	wait("messages marked sent", func() bool {
		recs, _ := a.CEB.Messages(ctx, admin, d.ID)
		for _, r := range recs {
			if r.Dir == ceb.Out && r.Status != ceb.StatusSent {
				return false
			}
		}
		return true
	})
	// Customs answers: released (CEB622 800), and a file that is no CEB message.
	rc, err := demo.SimulatedReceipt("CEB622", d.ID, "800", "放行", now.Add(time.Hour), "port-test")
	if err != nil {
		t.Fatal(err)
	}
	inbox := filepath.Join(dir, "inbox")
	if err := os.WriteFile(filepath.Join(inbox, "r1.xml"), rc, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbox, "junk.xml"), []byte("<html/>"), 0o600); err != nil {
		t.Fatal(err)
	}
	wait("the release applied", func() bool {
		it, err := a.Customs.Get(ctx, admin, d.ID)
		return err == nil && it.Status == customs.StatusReleased
	})
	// The platform's order (CEB311) dropped in the inbox goes to the matching intake, not to the receipts.
	var msgs []*ceb.Message
	for _, r := range sent {
		if r.Type != "CEB511" && r.Type != "CEB621" {
			continue
		}
		b, err := ceb.Unmasked(r.Body, ceb.Buyer{IDNumber: "310101199001010000", Telephone: "13900000000"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := ceb.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	order, _, err := ceb.PlatformDocuments(msgs[0], msgs[1], "", now)
	if err != nil {
		t.Fatal(err)
	}
	ob, err := ceb.Marshal(order, ceb.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbox, "o1.xml"), ob, 0o600); err != nil {
		t.Fatal(err)
	}
	wait("the order received and matched (waiting for the payment)", func() bool {
		e, err := st.CEBMatch(ctx, "O-1")
		return err == nil && e.State == ceb.MatchWaiting && len(e.Result.Missing) == 1 && e.Result.Missing[0] == "CEB411"
	})
	wait("the bad file filed as failed", func() bool {
		m, _ := filepath.Glob(filepath.Join(inbox, "failed", "*", "junk.xml.err"))
		return len(m) == 1
	})
	wait("the receipt filed under done/", func() bool {
		m, _ := filepath.Glob(filepath.Join(inbox, "done", "*", "r1.xml"))
		return len(m) == 1
	})
}
