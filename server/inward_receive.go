package server

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/inward"
)

// inwardReceivers scan at the inward office of exchange: operators of
// that office, admins.
var inwardReceivers = []string{"admin", "operator"}

func (s *Server) registerInwardReceive() {
	tags := []string{"Inward"}
	register(s, huma.Operation{
		OperationID: "inward-scan-receptacle", Method: http.MethodPost, Path: "/v1/inward/receptacles/{id}/scan",
		Summary: "receive a receptacle (S9) at our inward office of exchange", Tags: tags,
		Description: "Checked against the pre-advice: not advised (accepted and reported, never refused), wrong office, weight outside the " +
			"tolerance (max(100 g, 5 %) of the advised weight; docs/formats.md), seal and damage flags. Stores the received weight and time and " +
			"records EMD on the receptacle — or, for one bound abroad in closed transit, EMJ on it and its listed items at our transit office " +
			"(its default office). Scanning it again changes nothing (repeated=true). Operators scan at their offices only.",
		Errors: []int{http.StatusForbidden, http.StatusConflict, http.StatusUnprocessableEntity},
	}, inwardReceivers, s.inwardScanReceptacle)
	register(s, huma.Operation{
		OperationID: "inward-open-receptacle", Method: http.MethodPost, Path: "/v1/inward/receptacles/{id}/open",
		Summary: "open a received receptacle: its listed items are expected", Tags: tags,
		Description: "Answers the items listed for it; those not scanned when the dispatch is closed are missing.",
		Errors:      []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, inwardReceivers, s.inwardOpenReceptacle)
	register(s, huma.Operation{
		OperationID: "inward-scan-item", Method: http.MethodPost, Path: "/v1/inward/items/{id}/scan",
		Summary: "receive an item (S10) out of an opened receptacle", Tags: tags,
		Description: "Not on the list, a registered item without its listing, damaged and rifled are discrepancies. Records EMD on the item " +
			"once: scanning it again is one event (repeated=true).",
		Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, inwardReceivers, s.inwardScanItem)
	register(s, huma.Operation{
		OperationID: "inward-close-dispatch", Method: http.MethodPost, Path: "/v1/inward/dispatches/{id}/close",
		Summary: "close a dispatch's verification: CN 43 and RESDES to the origin", Tags: tags,
		Description: "Advised receptacles not received and listed items not found in opened receptacles become missing; the dispatch is " +
			"received. Answers the verification note (CN 43, its discrepancies with the evidence) and the RESDES to the origin office with each " +
			"receptacle's state (received, missing, not_advised). Closing again answers the same.",
		Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity},
	}, inwardReceivers, s.inwardClose)
	register(s, huma.Operation{
		OperationID: "inward-dispatch-scans", Method: http.MethodPost, Path: "/v1/inward/dispatches/{id}/scans",
		Summary: "receive a whole dispatch from a scans file (CSV), then close it", Tags: tags,
		Description: "CSV with header scan,id,receptacle,weight_g,flags,condition (docs/formats.md \"Inward scans CSV\"); lines are applied in " +
			"order, then the dispatch is closed. A bad line is 422 naming it, before anything is applied. Scans are idempotent: a file " +
			"that failed half-way may be sent again whole.",
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}}}},
		Errors:      []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, inwardReceivers, s.inwardScans)
	register(s, huma.Operation{
		OperationID: "inward-cn43", Method: http.MethodGet, Path: "/v1/inward/dispatches/{id}/cn43",
		Summary: "get a closed dispatch's verification (CN 43) and RESDES", Tags: tags,
		Description: "Partner posts read their own dispatches' notes; operators and customs their offices'. 404 before closing or outside scope.",
		Errors:      []int{http.StatusNotFound},
	}, inwardReaders, s.inwardCN43)
	register(s, huma.Operation{
		OperationID: "inward-cn43-pdf", Method: http.MethodGet, Path: "/v1/inward/dispatches/{id}/cn43.pdf",
		Summary: "get the verification note (CN 43) as PDF", Tags: tags,
		Description: "404 before closing, outside scope, or when the verification found nothing.",
		Responses: map[string]*huma.Response{"200": {Description: "A4 PDF", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}},
		Errors: []int{http.StatusNotFound},
	}, inwardReaders, s.inwardCN43PDF)
	register(s, huma.Operation{
		OperationID: "inward-cn43-list", Method: http.MethodGet, Path: "/v1/inward/cn43",
		Summary: "list verification notes with discrepancies", Tags: tags,
		Description: "A partner post sees its own, newest first; admins any (filter by partner).",
		Errors:      []int{http.StatusForbidden},
	}, []string{"admin", "partner"}, s.inwardCN43List)
}

type inwardDiscrepancy struct {
	Receptacle string    `json:"receptacle,omitempty" doc:"S9"`
	Item       string    `json:"item,omitempty" doc:"S10"`
	Kind       string    `json:"kind" enum:"missing_receptacle,not_advised_receptacle,wrong_office,weight,seal_broken,damaged_receptacle,missing_item,not_listed_item,registered_unlisted,damaged_item,rifled_item"`
	Advised    string    `json:"advised,omitempty" doc:"Evidence: what the pre-advice said"`
	Found      string    `json:"found" doc:"Evidence: what was found"`
	Office     string    `json:"office"`
	At         time.Time `json:"at"`
}

func toDiscrepancies(ds []inward.Discrepancy) []inwardDiscrepancy {
	out := make([]inwardDiscrepancy, 0, len(ds))
	for _, d := range ds {
		out = append(out, inwardDiscrepancy{Receptacle: d.Receptacle, Item: d.Item, Kind: string(d.Kind), Advised: d.Advised, Found: d.Found,
			Office: d.Office, At: d.At})
	}
	return out
}

type inwardScanResult struct {
	Result        string              `json:"result" enum:"ok,discrepancy" doc:"ok, or discrepancy: a CN 43 line was recorded"`
	Repeated      bool                `json:"repeated" doc:"Scanned before: nothing new stored, no new event"`
	Receptacle    inwardReceptacle    `json:"receptacle"`
	Item          *inwardItem         `json:"item,omitempty"`
	Discrepancies []inwardDiscrepancy `json:"discrepancies"`
}

func toScanResult(r inward.ScanResult) *struct{ Body inwardScanResult } {
	out := inwardScanResult{Result: "ok", Repeated: r.Repeated, Receptacle: toInwardReceptacle(r.Receptacle), Discrepancies: toDiscrepancies(r.Discrepancies)}
	if !r.OK() {
		out.Result = "discrepancy"
	}
	if r.Item != nil {
		it := toInwardItem(*r.Item)
		out.Item = &it
	}
	return &struct{ Body inwardScanResult }{out}
}

func (s *Server) inwardScanReceptacle(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"S9 receptacle id"`
	Body *struct {
		Office  string   `json:"office,omitempty" doc:"Our office scanning; default the S9's destination"`
		WeightG int      `json:"weight_g,omitempty" doc:"Weighed on receipt, grams; 0 = not weighed"`
		Flags   []string `json:"flags,omitempty" doc:"seal_broken, damaged, wet"`
	}
}) (*struct{ Body inwardScanResult }, error) {
	sc := inward.ReceptacleScan{Receptacle: in.ID}
	if in.Body != nil {
		sc.Office, sc.WeightG, sc.Flags = in.Body.Office, in.Body.WeightG, in.Body.Flags
	}
	r, err := s.inward().ScanReceptacle(ctx, principal(ctx), sc)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return toScanResult(r), nil
}

func (s *Server) inwardOpenReceptacle(ctx context.Context, in *struct {
	ID string `path:"id" doc:"S9 receptacle id"`
}) (*struct {
	Body struct {
		Receptacle inwardReceptacle `json:"receptacle"`
		Items      []inwardItem     `json:"items" doc:"Items listed for it"`
	}
}, error) {
	r, items, err := s.inward().OpenReceptacle(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			Receptacle inwardReceptacle `json:"receptacle"`
			Items      []inwardItem     `json:"items" doc:"Items listed for it"`
		}
	}{}
	out.Body.Receptacle, out.Body.Items = toInwardReceptacle(r), make([]inwardItem, 0, len(items))
	for _, it := range items {
		out.Body.Items = append(out.Body.Items, toInwardItem(it))
	}
	return out, nil
}

func (s *Server) inwardScanItem(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"S10 item id"`
	Body struct {
		Receptacle string `json:"receptacle" doc:"S9 of the opened receptacle"`
		Office     string `json:"office,omitempty" doc:"Default: where the receptacle was received"`
		Condition  string `json:"condition,omitempty" enum:"ok,damaged,rifled"`
		WeightG    int    `json:"weight_g,omitempty"`
	}
}) (*struct{ Body inwardScanResult }, error) {
	r, err := s.inward().ScanItem(ctx, principal(ctx), inward.ItemScan{Item: in.ID, Receptacle: in.Body.Receptacle, Office: in.Body.Office,
		Condition: in.Body.Condition, WeightG: in.Body.WeightG})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return toScanResult(r), nil
}

type inwardVerification struct {
	Number        string              `json:"number" doc:"CN 43 number (our reference towards the origin office)"`
	Dispatch      string              `json:"dispatch"`
	Office        string              `json:"office" doc:"Our office that verified"`
	Origin        string              `json:"origin"`
	Partner       string              `json:"partner"`
	CreatedAt     time.Time           `json:"created_at"`
	Result        string              `json:"result" enum:"ok,discrepancy"`
	Discrepancies []inwardDiscrepancy `json:"discrepancies" doc:"The CN 43's lines (none: no CN 43)"`
	CN43          string              `json:"cn43,omitempty" doc:"Path of the CN 43 PDF when there are discrepancies"`
	Reply         struct {
		Kind      string `json:"kind" example:"RESDES"`
		Recipient string `json:"recipient"`
		Ref       string `json:"ref"`
		Text      string `json:"text" doc:"EDIFACT text in the recipient's profile"`
	} `json:"reply" doc:"RESDES to the origin office: each receptacle received, missing or not_advised"`
}

func toVerification(n inward.Note) inwardVerification {
	out := inwardVerification{Number: n.Number, Dispatch: n.Dispatch, Office: n.Office, Origin: n.Origin, Partner: n.Partner, CreatedAt: n.CreatedAt,
		Result: "ok", Discrepancies: toDiscrepancies(n.Discrepancies)}
	if len(n.Discrepancies) > 0 {
		out.Result, out.CN43 = "discrepancy", "/v1/inward/dispatches/"+n.Dispatch+"/cn43.pdf"
	}
	out.Reply.Kind, out.Reply.Recipient, out.Reply.Ref, out.Reply.Text = n.Reply.Kind, n.Reply.Recipient, n.Reply.Ref, string(n.Reply.Text)
	return out
}

func (s *Server) inwardClose(ctx context.Context, in *struct {
	ID string `path:"id" doc:"S8 dispatch id"`
}) (*struct{ Body inwardVerification }, error) {
	n, err := s.inward().Close(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body inwardVerification }{toVerification(n)}, nil
}

func (s *Server) inwardScans(ctx context.Context, in *struct {
	ID      string `path:"id" doc:"S8 dispatch id"`
	RawBody []byte `contentType:"text/csv"`
}) (*struct {
	Body struct {
		Scans        int                `json:"scans"`
		Repeated     int                `json:"repeated" doc:"Lines that changed nothing"`
		Verification inwardVerification `json:"verification"`
	}
}, error) {
	scans, err := inward.ParseScans(bytes.NewReader(in.RawBody))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	r, err := s.inward().ApplyScans(ctx, principal(ctx), in.ID, scans)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			Scans        int                `json:"scans"`
			Repeated     int                `json:"repeated" doc:"Lines that changed nothing"`
			Verification inwardVerification `json:"verification"`
		}
	}{}
	out.Body.Scans, out.Body.Repeated, out.Body.Verification = r.Scans, r.Repeated, toVerification(r.Note)
	return out, nil
}

func (s *Server) inwardCN43(ctx context.Context, in *struct {
	ID string `path:"id" doc:"S8 dispatch id"`
}) (*struct{ Body inwardVerification }, error) {
	n, err := s.inward().Note(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body inwardVerification }{toVerification(n)}, nil
}

func (s *Server) inwardCN43PDF(ctx context.Context, in *struct {
	ID string `path:"id" doc:"S8 dispatch id"`
}) (*textOutput, error) {
	v, err := s.inward().VerificationNote(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	if len(v.Note.Discrepancies) == 0 {
		return nil, huma.Error404NotFound("dispatch " + v.Note.Dispatch + " was verified without discrepancies: no CN 43")
	}
	var buf bytes.Buffer
	if err := document.WriteVerificationNote(&buf, document.NoteFor(v, staffLang(ctx))); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &textOutput{ContentType: "application/pdf", ContentDisposition: `inline; filename="CN43-` + v.Note.Number + `.pdf"`, Body: buf.Bytes()}, nil
}

func (s *Server) inwardCN43List(ctx context.Context, in *struct {
	Partner string `query:"partner" doc:"Origin post, e.g. JPPOST"`
	Limit   int    `query:"limit" minimum:"1" maximum:"1000" default:"100"`
}) (*struct {
	Body struct {
		Notes []inwardVerification `json:"notes" doc:"Without their lines: GET /v1/inward/dispatches/{id}/cn43"`
	}
}, error) {
	ns, err := s.inward().Notes(ctx, principal(ctx), in.Partner, in.Limit)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			Notes []inwardVerification `json:"notes" doc:"Without their lines: GET /v1/inward/dispatches/{id}/cn43"`
		}
	}{}
	out.Body.Notes = make([]inwardVerification, 0, len(ns))
	for _, n := range ns {
		v := toVerification(n)
		v.Result, v.CN43 = "discrepancy", "/v1/inward/dispatches/"+n.Dispatch+"/cn43.pdf"
		out.Body.Notes = append(out.Body.Notes, v)
	}
	return out, nil
}
