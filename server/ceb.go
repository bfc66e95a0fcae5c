package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/postal"
)

var cebSenders = []string{"admin", "operator"}

type cebMessagesOutput struct {
	Body struct {
		ItemID   string       `json:"item_id"`
		Messages []ceb.Record `json:"messages" doc:"Messages sent and receipts received, oldest first"`
	}
}

type cebSendInput struct {
	ID   string `path:"id" doc:"Item id (the e-commerce logistics id)"`
	Body struct {
		Buyer ceb.Buyer `json:"buyer" doc:"The buyer from the platform's order (CEB311): identity number and phones, needed by the CEB621 inventory only; empty on a resend"`
	}
}

type cebReceiptInput struct {
	RawBody []byte `contentType:"application/xml"`
}

func (s *Server) registerCEB() {
	tags := []string{"Customs"}
	register(s, huma.Operation{
		OperationID: "list-ceb-messages", Method: http.MethodGet, Path: "/v1/customs/items/{id}/ceb",
		Summary: "list an item's China Customs CEB messages", Tags: tags,
		Description: "The CEB messages the post sent for an e-commerce import (CEB511 waybill, CEB513 delivery status, CEB621 inventory) or export " +
			"(CEB505 waybill, CEB603 inventory, CEB507 arrival, CEB509 departure) and the " +
			"receipts customs answered with, oldest first: type, guid, status, returnInfo, the action a receipt caused and, flagged, why a person " +
			"must look. Bodies carry the buyer's identity number and phones masked.",
		Errors: []int{http.StatusNotFound, http.StatusServiceUnavailable},
	}, customsStaff, s.cebMessages)
	register(s, huma.Operation{
		OperationID: "send-ceb-messages", Method: http.MethodPost, Path: "/v1/customs/items/{id}/ceb",
		Summary: "make an item's CEB waybill and inventory", Tags: tags,
		Description: "Makes the CEB511 waybill and, where the office's CEB profile declares, the CEB621 inventory of an e-commerce import " +
			"(of an export: the CEB505 waybill and CEB603 inventory; no buyer needed), and queues them for the transmitter. The buyer's per-transaction (CNY 5,000) and annual (CNY 26,000) limits are checked before the " +
			"inventory is made (422, nothing stored). The same item again stores nothing new.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, cebSenders, s.cebSend)
	register(s, huma.Operation{
		OperationID: "upload-ceb-receipts", Method: http.MethodPost, Path: "/v1/customs/ceb/receipts",
		Summary: "apply a China Customs CEB receipt", Tags: tags, MaxBodyBytes: ceb.MaxInput,
		Description: "A receipt message (CEB312, 412, 512, 514, 622, …), bare or in its DxpMsg, prefixed or default namespace. Each receipt's " +
			"returnStatus moves the item through the customs workflow (120/300 presented, 500 held for inspection, 800/899 released, 100/700 " +
			"returned, 501–503/599 seized) with its returnInfo on the tracking events. Unknown statuses and receipts for messages never sent " +
			"are stored and flagged; the same receipt twice changes nothing. A message that does not validate is refused whole (422).",
		Errors: []int{http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, cebSenders, s.cebReceipts)
}

func (s *Server) ceb(ctx context.Context) (*ceb.Hall, error) {
	if s.cfg.CEB == nil {
		return nil, s.problem(ctx, postal.Errorf(postal.CodeUnavailable, "CEB messages are not configured on this node (--ceb-profiles)"))
	}
	return s.cfg.CEB, nil
}

func (s *Server) cebMessages(ctx context.Context, in *itemIDInput) (*cebMessagesOutput, error) {
	h, err := s.ceb(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := h.Messages(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &cebMessagesOutput{}
	out.Body.ItemID, out.Body.Messages = in.ID, recs
	return out, nil
}

func (s *Server) cebSend(ctx context.Context, in *cebSendInput) (*cebMessagesOutput, error) {
	h, err := s.ceb(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := h.Send(ctx, principal(ctx), in.ID, in.Body.Buyer)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &cebMessagesOutput{}
	out.Body.ItemID, out.Body.Messages = in.ID, recs
	return out, nil
}

func (s *Server) cebReceipts(ctx context.Context, in *cebReceiptInput) (*struct{ Body ceb.ReceiptReport }, error) {
	h, err := s.ceb(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := h.ApplyReceipts(ctx, principal(ctx), in.RawBody)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body ceb.ReceiptReport }{rep}, nil
}

type cebMatchingInput struct {
	State string `query:"state" enum:"waiting,mismatched,matched" doc:"Only orders in this state; all when empty"`
}

type cebMatchingOutput struct {
	Body struct {
		Orders []ceb.MatchEntry `json:"orders" doc:"Orders, latest change first (at most 500)"`
	}
}

type cebMatchOrderInput struct {
	OrderNo string `path:"order" doc:"The platform's order number"`
}

func (s *Server) registerCEBMatching() {
	tags := []string{"Customs"}
	register(s, huma.Operation{
		OperationID: "upload-ceb-documents", Method: http.MethodPost, Path: "/v1/customs/ceb/documents",
		Summary: "receive a platform's order (CEB311) or a payment (CEB411)", Tags: tags, MaxBodyBytes: ceb.MaxInput,
		Description: "A CEB311 order message from an e-commerce platform or a CEB411 payment message from a payment company, bare or in its " +
			"DxpMsg. Stored once per entity guid with identity numbers and phones masked, then matched with the post's CEB511 waybill and " +
			"CEB621 inventory of the same order number (the three documents matched). A mismatch holds the item for a document check with " +
			"the differences as reason; a later agreeing set clears the mismatch but releases nothing (customs decides). A message that " +
			"does not validate is refused whole (422, element paths). Admin and operator keys; an operator limited to offices only for " +
			"orders of items at them. Partner keys cannot upload.",
		Errors: []int{http.StatusForbidden, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, cebSenders, s.cebDocuments)
	register(s, huma.Operation{
		OperationID: "list-ceb-matching", Method: http.MethodGet, Path: "/v1/customs/ceb/matching",
		Summary: "the three-documents matching queue", Tags: tags,
		Description: "Per order: waiting (a document has not arrived), mismatched (with each failed check and every document's value) " +
			"or matched. Orders of items outside the key's offices are left out.",
		Errors: []int{http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, customsStaff, s.cebMatching)
	register(s, huma.Operation{
		OperationID: "get-ceb-matching", Method: http.MethodGet, Path: "/v1/customs/ceb/matching/{order}",
		Summary: "one order's matching with its documents", Tags: tags,
		Description: "The order's matching state and the documents side by side: received orders and payments, the post's waybill and " +
			"inventory (bodies masked).",
		Errors: []int{http.StatusNotFound, http.StatusServiceUnavailable},
	}, customsStaff, s.cebMatchOrder)
}

func (s *Server) cebMatcher(ctx context.Context) (*ceb.Matcher, error) {
	if s.cfg.CEBMatch == nil {
		return nil, s.problem(ctx, postal.Errorf(postal.CodeUnavailable, "CEB messages are not configured on this node (--ceb-profiles)"))
	}
	return s.cfg.CEBMatch, nil
}

func (s *Server) cebDocuments(ctx context.Context, in *cebReceiptInput) (*struct{ Body ceb.IntakeReport }, error) {
	m, err := s.cebMatcher(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := m.Intake(ctx, principal(ctx), in.RawBody)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body ceb.IntakeReport }{rep}, nil
}

func (s *Server) cebMatching(ctx context.Context, in *cebMatchingInput) (*cebMatchingOutput, error) {
	m, err := s.cebMatcher(ctx)
	if err != nil {
		return nil, err
	}
	es, err := m.Queue(ctx, principal(ctx), in.State)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &cebMatchingOutput{}
	out.Body.Orders = es
	return out, nil
}

func (s *Server) cebMatchOrder(ctx context.Context, in *cebMatchOrderInput) (*struct{ Body ceb.MatchView }, error) {
	m, err := s.cebMatcher(ctx)
	if err != nil {
		return nil, err
	}
	v, err := m.Order(ctx, principal(ctx), in.OrderNo)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body ceb.MatchView }{v}, nil
}
