package inward_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
)

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

var (
	admin  = auth.Principal{KeyID: "a", Role: auth.RoleAdmin}
	jppost = auth.Principal{KeyID: "jp", Role: auth.RolePartner, Partner: "JPPOST"}
	krpost = auth.Principal{KeyID: "kr", Role: auth.RolePartner, Partner: "KRPOST"}
	nh     = auth.Principal{KeyID: "nh", Role: auth.RolePartner, Partner: "NH"}
	opSHA  = auth.Principal{KeyID: "o", Role: auth.RoleOperator, Offices: []string{"CNSHAA"}}
	opPEK  = auth.Principal{KeyID: "p", Role: auth.RoleOperator, Offices: []string{"CNPEKA"}}
	shop   = auth.Principal{KeyID: "m", Role: auth.RoleMerchant, Merchant: "SHOP"}
)

func service(t *testing.T) *inward.Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	office := func(code, country, tz string) network.Office {
		return network.Office{Code: code, Name: code, Country: country, Kind: network.KindOE, Lat: 1, Lon: 1, TZ: tz, ConnectMin: 120, Customs: true}
	}
	if err := st.PutOffices(context.Background(), []network.Office{office("CNPEKA", "CN", "Asia/Shanghai"), office("CNSHAA", "CN", "Asia/Shanghai"),
		office("JPTYOA", "JP", "Asia/Tokyo"), office("KRSELA", "KR", "Asia/Seoul")}); err != nil {
		t.Fatal(err)
	}
	return &inward.Service{Store: st, Network: st, Country: "CN", Now: func() time.Time { return now }}
}

func jpPredes() edi.Predes {
	return edi.Predes{Ref: "JP00000017", Prepared: now.Add(-3 * time.Hour), Dispatch: "JPTYOACNPEKAAUN60017", Origin: "JPTYOA", Destination: "CNPEKA",
		Transport: &edi.Transport{Service: "NH905", Mode: "air", Carrier: "NH", From: "JPTYOA", To: "CNPEKA", Departure: now.Add(-time.Hour), Arrival: now.Add(3 * time.Hour)},
		Receptacles: []edi.Receptacle{
			{ID: "JPTYOACNPEKAAUN60017001000082", Type: "bag", GrossWeightG: 8200, Items: []string{"RR123456785JP", "EE123456785JP"},
				ItemData: []edi.ItemData{{Item: "RR123456785JP", Contents: "Green tea", HSCode: "090210", Value: "3500", Currency: "JPY",
					SenderName: "Sato Hanako", SenderCountry: "JP", AddresseeName: "Li Wei", AddresseeCountry: "CN"}}},
			{ID: "JPTYOACNPEKAAUN60017002100040", Type: "bag", GrossWeightG: 4000},
		}}
}

func TestAcceptPredes(t *testing.T) {
	ctx := context.Background()
	s := service(t)
	// Through the wire: our EDIFACT layout, decoded as the server does.
	p, err := edi.DecodePredes(jpPredes().MarshalEDI())
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.AcceptPredes(ctx, jppost, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Repeated || res.Receptacles != 2 || res.Items != 2 || res.Reply.Ref != "JPTYOA00000001" || res.Reply.Recipient != "JPTYOA" {
		t.Errorf("result %+v", res)
	}
	ans, err := edi.UnmarshalResdesWith(nil, res.Reply.Text)
	if err != nil || ans.Confirms != "JP00000017" || ans.Sender != "CNPEKA" || ans.Status != "accepted" || len(ans.Dispatches[0].Receptacles) != 2 {
		t.Errorf("RESDES %+v, %v\n%s", ans, err, res.Reply.Text)
	}
	det, err := s.Dispatch(ctx, opPEK, p.Dispatch)
	if err != nil {
		t.Fatal(err)
	}
	d := det.Dispatch
	if d.Status != inward.StatusExpected || d.Partner != "JPPOST" || d.Category != "A" || d.Subclass != "UN" || d.Receptacles != 2 ||
		d.GrossWeightG != 12200 || d.Items != 2 || !d.Arrival.Equal(now.Add(3*time.Hour)) || d.Service != "NH905" {
		t.Errorf("dispatch %+v", d)
	}
	if it := det.Items[1]; it.Item != "RR123456785JP" || it.Contents != "Green tea" || it.Value != "3500" || it.AddresseeName != "Li Wei" {
		t.Errorf("item data %+v", det.Items)
	}
	if !det.Receptacles[1].Last || det.Receptacles[0].Last {
		t.Errorf("last flags %+v", det.Receptacles)
	}

	t.Run("same message again is repeated", func(t *testing.T) {
		again, err := s.AcceptPredes(ctx, jppost, p)
		if err != nil || !again.Repeated || again.Reply.Ref != res.Reply.Ref || string(again.Reply.Text) != string(res.Reply.Text) {
			t.Errorf("%+v, %v", again, err)
		}
	})
	t.Run("used reference with other content", func(t *testing.T) {
		q := jpPredes()
		q.Receptacles = q.Receptacles[1:]
		if _, err := s.AcceptPredes(ctx, jppost, q); postal.ErrorCode(err) != postal.CodeConflict || !strings.Contains(err.Error(), "other content") {
			t.Errorf("%v", err)
		}
	})
	t.Run("second pre-advice of the dispatch", func(t *testing.T) {
		q := jpPredes()
		q.Ref = "JP00000018"
		if _, err := s.AcceptPredes(ctx, jppost, q); postal.ErrorCode(err) != postal.CodeConflict || !strings.Contains(err.Error(), "JP00000017") {
			t.Errorf("%v", err)
		}
	})
	t.Run("scopes of the list", func(t *testing.T) {
		for _, tc := range []struct {
			who  auth.Principal
			f    inward.DispatchFilter
			want int
			code postal.Code
		}{
			{admin, inward.DispatchFilter{Status: inward.StatusExpected}, 1, ""},
			{opPEK, inward.DispatchFilter{}, 1, ""},
			{opSHA, inward.DispatchFilter{}, 0, ""},
			{opSHA, inward.DispatchFilter{Destination: "CNPEKA"}, 0, postal.CodeForbidden},
			{jppost, inward.DispatchFilter{}, 1, ""},
			{krpost, inward.DispatchFilter{}, 0, ""},
			{krpost, inward.DispatchFilter{Partner: "JPPOST"}, 0, postal.CodeForbidden},
			{nh, inward.DispatchFilter{}, 0, postal.CodeForbidden},
			{shop, inward.DispatchFilter{}, 0, postal.CodeForbidden},
		} {
			ds, err := s.Dispatches(ctx, tc.who, tc.f)
			if postal.ErrorCode(err) != tc.code || len(ds) != tc.want {
				t.Errorf("%s %+v: %d, %v", tc.who.KeyID, tc.f, len(ds), err)
			}
		}
		if _, err := s.Dispatch(ctx, opSHA, p.Dispatch); postal.ErrorCode(err) != postal.CodeNotFound {
			t.Errorf("another office's dispatch: %v", err)
		}
	})
}

func TestRefusedPredes(t *testing.T) {
	ctx := context.Background()
	s := service(t)
	cases := []struct {
		name  string
		who   auth.Principal
		edit  func(*edi.Predes)
		code  postal.Code
		field string
	}{
		{"another post's dispatch", krpost, func(*edi.Predes) {}, postal.CodeForbidden, ""},
		{"a carrier sends PREDES", nh, func(*edi.Predes) {}, postal.CodeForbidden, ""},
		{"merchant", shop, func(*edi.Predes) {}, postal.CodeForbidden, ""},
		{"operator of another office", opSHA, func(*edi.Predes) {}, postal.CodeForbidden, ""},
		{"unknown destination", jppost, func(p *edi.Predes) { retarget(p, "CNZZZA") }, postal.CodeInvalid, "destination"},
		{"destination not ours", jppost, func(p *edi.Predes) { retarget(p, "KRSELA") }, postal.CodeInvalid, "destination"},
		{"bad S9", jppost, func(p *edi.Predes) { p.Receptacles[0].ID = "JPTYOACNPEKAAUN6001700100008X" }, postal.CodeInvalid, "receptacles[0].id"},
		{"S9 weight", jppost, func(p *edi.Predes) { p.Receptacles[0].GrossWeightG = 9100 }, postal.CodeInvalid, "receptacles[0].gross_weight_g"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := jpPredes()
			tc.edit(&p)
			_, err := s.AcceptPredes(ctx, tc.who, p)
			if postal.ErrorCode(err) != tc.code {
				t.Fatalf("code %s, want %s: %v", postal.ErrorCode(err), tc.code, err)
			}
			if tc.field != "" && !hasField(err, tc.field) {
				t.Errorf("%v does not name %s (%+v)", err, tc.field, postal.Fields(err))
			}
		})
	}
	if ds, _ := s.Dispatches(ctx, admin, inward.DispatchFilter{}); len(ds) != 0 {
		t.Errorf("refused pre-advice stored %d dispatches", len(ds))
	}
}

// retarget points a pre-advice at another destination office.
func retarget(p *edi.Predes, dest string) {
	p.Destination = dest
	p.Dispatch = p.Origin + dest + p.Dispatch[12:]
	p.Transport.To = dest
	for i := range p.Receptacles {
		p.Receptacles[i].ID = p.Dispatch + p.Receptacles[i].ID[20:]
	}
}

func hasField(err error, field string) bool {
	for _, f := range postal.Fields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

func TestAcceptCardit(t *testing.T) {
	ctx := context.Background()
	s := service(t)
	p := jpPredes()
	c := edi.Cardit{Ref: "NH000123", Prepared: now.Add(-2 * time.Hour), Consignment: "JPTYOA2600017", Form: "CN38", Office: "JPTYOA", Carrier: "NH",
		Transport: *p.Transport, Receptacles: []edi.Receptacle{
			{ID: p.Receptacles[0].ID, Type: "bag", GrossWeightG: 8200},
			{ID: "JPTYOACNSHAAAUN60044001100051", Type: "bag", GrossWeightG: 5100}, // another dispatch, to Shanghai
		}}
	if _, err := s.AcceptCardit(ctx, krpost, c); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("another post's CARDIT: %v", err)
	}
	other := auth.Principal{KeyID: "x", Role: auth.RolePartner, Partner: "JL"}
	if _, err := s.AcceptCardit(ctx, other, c); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("another carrier's CARDIT: %v", err)
	}
	res, err := s.AcceptCardit(ctx, nh, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Dispatches) != 2 || res.Reply.Recipient != "JPTYOA" {
		t.Errorf("result %+v", res)
	}
	if ans, err := edi.UnmarshalResdesWith(nil, res.Reply.Text); err != nil || ans.ConfirmsKind != "CARDIT" || ans.Consignment != "JPTYOA2600017" || len(ans.Dispatches) != 2 {
		t.Errorf("answer %+v, %v", ans, err)
	}
	// The PREDES after the CARDIT completes the dispatch.
	if _, err := s.AcceptPredes(ctx, jppost, p); err != nil {
		t.Fatal(err)
	}
	det, err := s.Dispatch(ctx, admin, p.Dispatch)
	if err != nil || det.Dispatch.Consignment != "JPTYOA2600017" || det.Dispatch.PreAdvice != "JP00000017" || len(det.Receptacles) != 2 ||
		!det.Receptacles[0].Cardit || !det.Receptacles[0].Predes || det.Receptacles[1].Cardit {
		t.Errorf("merged %+v, %v", det, err)
	}
	if ds, _ := s.Dispatches(ctx, opSHA, inward.DispatchFilter{Status: inward.StatusExpected}); len(ds) != 1 || ds[0].PreAdvice != "" || ds[0].Items != 0 {
		t.Errorf("Shanghai's CARDIT-only dispatch: %+v", ds)
	}
	// A CARDIT naming a receptacle for an office that is not ours, on a
	// flight that does not land at ours either (not transit through us).
	c.Ref = "NH000124"
	c.Transport.To = "KRSELA"
	c.Receptacles = []edi.Receptacle{{ID: "JPTYOAKRSELAAUN60001001100051", Type: "bag", GrossWeightG: 5100}}
	if _, err := s.AcceptCardit(ctx, nh, c); postal.ErrorCode(err) != postal.CodeInvalid || !hasField(err, "receptacles[0].id") {
		t.Errorf("CARDIT for Seoul: %v", err)
	}
}
